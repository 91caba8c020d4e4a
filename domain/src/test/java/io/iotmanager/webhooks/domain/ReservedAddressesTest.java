package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReservedAddressesTest {

  /** Every IPv4 range: first, last and an inside address, plus the public neighbours around it. */
  static Stream<Arguments> ipv4() {
    return Stream.of(
        // 0.0.0.0/8, unspecified
        reserved("0.0.0.0"), reserved("0.1.2.3"), reserved("0.255.255.255"), open("1.0.0.0"),
        // 10.0.0.0/8
        open("9.255.255.255"), reserved("10.0.0.0"), reserved("10.1.2.3"), reserved("10.255.255.255"),
        open("11.0.0.0"),
        // 100.64.0.0/10, CGNAT
        open("100.63.255.255"), reserved("100.64.0.0"), reserved("100.100.100.100"),
        reserved("100.127.255.255"), open("100.128.0.0"),
        // 127.0.0.0/8, loopback
        open("126.255.255.255"), reserved("127.0.0.0"), reserved("127.0.0.1"), reserved("127.255.255.255"),
        open("128.0.0.0"),
        // 169.254.0.0/16, link-local
        open("169.253.255.255"), reserved("169.254.0.0"), reserved("169.254.169.254"),
        reserved("169.254.255.255"), open("169.255.0.0"),
        // 172.16.0.0/12
        open("172.15.255.255"), reserved("172.16.0.0"), reserved("172.20.1.1"), reserved("172.31.255.255"),
        open("172.32.0.0"),
        // 192.168.0.0/16
        open("192.167.255.255"), reserved("192.168.0.0"), reserved("192.168.1.1"),
        reserved("192.168.255.255"), open("192.169.0.0"),
        // 198.18.0.0/15, benchmarking
        open("198.17.255.255"), reserved("198.18.0.0"), reserved("198.18.5.5"), reserved("198.19.255.255"),
        open("198.20.0.0"),
        // 224.0.0.0/4, multicast
        open("223.255.255.255"), reserved("224.0.0.0"), reserved("224.0.0.251"), reserved("239.255.255.255"),
        // 240.0.0.0/4 and broadcast
        reserved("240.0.0.0"), reserved("250.1.2.3"), reserved("255.255.255.254"), reserved("255.255.255.255"),
        // public
        open("8.8.8.8"), open("1.1.1.1"), open("93.184.216.34"), open("203.0.114.1"));
  }

  static Stream<Arguments> ipv6() {
    return Stream.of(
        // unspecified and loopback
        reserved("::"), reserved("::1"),
        // IPv4-compatible forms follow the embedded address
        reserved("::2"), reserved("::127.0.0.1"), reserved("::10.0.0.1"), reserved("::169.254.169.254"),
        open("::8.8.8.8"), open("::1.1.1.1"),
        // NAT64 64:ff9b::/96 (whole prefix) and local-use 64:ff9b:1::/48
        reserved("64:ff9b::"), reserved("64:ff9b::8.8.8.8"), reserved("64:ff9b::ffff:ffff"),
        open("64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff"), open("64:ff9b:0:0:0:1::"), open("64:ff9c::1"),
        reserved("64:ff9b:1::"), reserved("64:ff9b:1:ffff:ffff:ffff:ffff:ffff"), open("64:ff9b:2::"),
        // fc00::/7, unique local
        open("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), reserved("fc00::"), reserved("fd12:3456::1"),
        reserved("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), open("fe00::"),
        open("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        // fe80::/10, link-local
        reserved("fe80::"), reserved("fe80::1"), reserved("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        // fec0::/10, deprecated site-local
        reserved("fec0::"), reserved("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        // ff00::/8, multicast
        reserved("ff00::"), reserved("ff02::1"), reserved("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        // public
        open("2001:4860:4860::8888"), open("2606:4700:4700::1111"), open("2000::"), open("::1:0:0:0"),
        open("::fffe:808:808"), open("100::"));
  }

  @ParameterizedTest(name = "{0} reserved={1}")
  @MethodSource("ipv4")
  void ipv4Address(String literal, boolean expected) {
    InetAddress address = literal(literal);
    assertInstanceOf(Inet4Address.class, address);
    assertEquals(expected, ReservedAddresses.isReserved(address));
    assertEquals(expected, ReservedAddresses.isReserved(address.getAddress()));
  }

  @ParameterizedTest(name = "::ffff:{0} reserved={1}")
  @MethodSource("ipv4")
  void ipv4MappedRawBytes(String literal, boolean expected) {
    assertEquals(expected, ReservedAddresses.isReserved(mapped(literal(literal).getAddress())));
  }

  @ParameterizedTest(name = "::{0} reserved={1}")
  @MethodSource("ipv4")
  void ipv4CompatibleRawBytes(String literal, boolean expected) {
    byte[] compatible = new byte[16];
    System.arraycopy(literal(literal).getAddress(), 0, compatible, 12, 4);
    assertEquals(expected, ReservedAddresses.isReserved(compatible));
  }

  @ParameterizedTest(name = "::ffff:{0} via InetAddress reserved={1}")
  @MethodSource("ipv4")
  void ipv4MappedThroughInetAddress(String literal, boolean expected) throws UnknownHostException {
    // the JDK turns a mapped address into an Inet4Address, both from text and from bytes
    InetAddress fromText = literal("::ffff:" + literal);
    InetAddress fromBytes = InetAddress.getByAddress(mapped(literal(literal).getAddress()));
    assertEquals(expected, ReservedAddresses.isReserved(fromText));
    assertEquals(expected, ReservedAddresses.isReserved(fromBytes));
  }

  @ParameterizedTest(name = "{0} reserved={1}")
  @MethodSource("ipv6")
  void ipv6Address(String literal, boolean expected) {
    InetAddress address = literal(literal);
    assertInstanceOf(Inet6Address.class, address);
    assertEquals(expected, ReservedAddresses.isReserved(address));
    assertEquals(expected, ReservedAddresses.isReserved(address.getAddress()));
  }

  @Test
  void scopedLinkLocalIsReserved() throws UnknownHostException {
    byte[] bytes = literal("fe80::1").getAddress();
    assertTrue(ReservedAddresses.isReserved(Inet6Address.getByAddress(null, bytes, 2)));
  }

  @Test
  void badRawAddresses() {
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.isReserved((byte[]) null));
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.isReserved(new byte[0]));
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.isReserved(new byte[5]));
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.isReserved(new byte[15]));
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.isReserved((InetAddress) null));
  }

  @Test
  void firstReservedFindsTheFirstInOrder() {
    InetAddress google = literal("8.8.8.8");
    InetAddress loopback = literal("127.0.0.1");
    InetAddress metadata = literal("169.254.169.254");
    assertEquals(Optional.of(loopback), ReservedAddresses.firstReserved(List.of(google, loopback, metadata)));
    assertEquals(Optional.of(metadata), ReservedAddresses.firstReserved(List.of(metadata, loopback)));
  }

  @Test
  void firstReservedIsEmptyWhenAllArePublic() {
    assertEquals(Optional.empty(), ReservedAddresses.firstReserved(
        List.of(literal("8.8.8.8"), literal("2001:4860:4860::8888"))));
    assertEquals(Optional.empty(), ReservedAddresses.firstReserved(List.of()));
    assertThrows(DomainValidationException.class, () -> ReservedAddresses.firstReserved(null));
  }

  private static Arguments reserved(String literal) {
    return Arguments.of(literal, true);
  }

  private static Arguments open(String literal) {
    return Arguments.of(literal, false);
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, mapped, 12, 4);
    return mapped;
  }

  /** Parses an IP literal; literals never touch DNS. */
  private static InetAddress literal(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError("not an IP literal: " + literal, e);
    }
  }
}
