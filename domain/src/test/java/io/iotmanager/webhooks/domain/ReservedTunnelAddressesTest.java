package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IPv6 tunnel addresses that carry an IPv4 address: 6to4 ({@code 2002:AABB:CCDD::/48}) and Teredo
 * ({@code 2001:0::/32}, client address in the last 32 bits, each bit inverted) are reserved exactly when
 * the IPv4 address they carry is.
 */
class ReservedTunnelAddressesTest {
  static Stream<Arguments> addresses() {
    return Stream.of(
        // 6to4
        Arguments.of("2002:7f00:1::", true),              // 127.0.0.1
        Arguments.of("2002:7f00:0001:1234::5", true),     // 127.0.0.1, any subnet and host
        Arguments.of("2002:a9fe:a9fe::", true),           // 169.254.169.254 (cloud metadata)
        Arguments.of("2002:0a00:0001::1", true),          // 10.0.0.1
        Arguments.of("2002:c0a8:0101::", true),           // 192.168.1.1
        Arguments.of("2002:6440:0001::", true),           // 100.64.0.1 (CGNAT)
        Arguments.of("2002:0000:0000::", true),           // 0.0.0.0
        Arguments.of("2002:e000:0001::", true),           // 224.0.0.1 (multicast)
        Arguments.of("2002:0808:0808::", false),          // 8.8.8.8
        Arguments.of("2002:cb00:710a::1", false),         // 203.0.113.10
        // Teredo: server 65.54.227.120, flags 8000, port 63bf, client ~(last 32 bits)
        Arguments.of("2001:0:4136:e378:8000:63bf:80ff:fffe", true),  // client 127.0.0.1
        Arguments.of("2001:0:4136:e378:8000:63bf:5601:5601", true),  // client 169.254.169.254
        Arguments.of("2001:0:4136:e378:8000:63bf:f5ff:fffe", true),  // client 10.0.0.1
        Arguments.of("2001:0:4136:e378:8000:63bf:ffff:ffff", true),  // client 0.0.0.0
        Arguments.of("2001:0:4136:e378:8000:63bf:f7f7:f7f7", false), // client 8.8.8.8
        Arguments.of("2001:0:4136:e378:8000:63bf:34ff:8ef5", false), // client 203.0.113.10
        // neighbours that are neither
        Arguments.of("2001:db8::7f00:1", false),          // 2001:db8::/32 is not Teredo
        Arguments.of("2001:1::80ff:fffe", false),         // 2001:1::/32 is not Teredo
        Arguments.of("2003:7f00:1::", false));            // not 6to4
  }

  @ParameterizedTest(name = "{0} reserved={1}")
  @MethodSource("addresses")
  void anEmbeddedReservedIpv4AddressMakesTheTunnelAddressReserved(String literal, boolean reserved)
      throws Exception {
    assertEquals(reserved, ReservedAddresses.isReserved(InetAddress.getByName(literal)), literal);
  }
}
