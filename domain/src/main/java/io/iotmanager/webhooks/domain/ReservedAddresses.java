package io.iotmanager.webhooks.domain;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Addresses a webhook must never be sent to (docs/wire-contract.md A6, server-side request forgery): loopback,
 * unspecified, private, link-local, multicast, broadcast, CGNAT, {@code 0/8}, {@code 198.18/15},
 * {@code 240/4}, NAT64, and the IPv4-mapped ({@code ::ffff:a.b.c.d}) and IPv4-compatible
 * ({@code ::a.b.c.d}) forms of the IPv4 ranges, and the tunnel addresses that embed a reserved IPv4
 * address: 6to4 ({@code 2002:AABB:CCDD::/48} embeds {@code AA.BB.CC.DD}) and Teredo ({@code 2001::/32},
 * whose last 32 bits are the client's IPv4 address XOR {@code 0xffffffff}). Pure: no DNS, callers pass
 * resolved addresses.
 */
public final class ReservedAddresses {
  private static final List<Block> IPV4 = List.of(
      Block.v4(0, 0, 8),          // "this network", includes 0.0.0.0
      Block.v4(10, 0, 8),         // private
      Block.v4(100, 64, 10),      // carrier-grade NAT
      Block.v4(127, 0, 8),        // loopback
      Block.v4(169, 254, 16),     // link-local (cloud metadata lives here)
      Block.v4(172, 16, 12),      // private
      Block.v4(192, 168, 16),     // private
      Block.v4(198, 18, 15),      // benchmarking
      Block.v4(224, 0, 4),        // multicast
      Block.v4(240, 0, 4));       // reserved, includes broadcast 255.255.255.255

  private static final List<Block> IPV6 = List.of(
      Block.v6("", 128),          // :: unspecified
      Block.v6("00000000000000000000000000000001", 128), // ::1 loopback
      Block.v6("0064ff9b", 96),   // NAT64 well-known prefix 64:ff9b::/96
      Block.v6("0064ff9b0001", 48), // NAT64 local-use prefix 64:ff9b:1::/48
      Block.v6("fc", 7),          // unique local (private)
      Block.v6("fe80", 10),       // link-local
      Block.v6("fec0", 10),       // deprecated site-local
      Block.v6("ff", 8));         // multicast

  private static final Block IPV4_MAPPED = Block.v6("00000000000000000000ffff", 96);
  private static final Block IPV4_COMPATIBLE = Block.v6("", 96);
  private static final Block SIX_TO_FOUR = Block.v6("2002", 16);
  private static final Block TEREDO = Block.v6("20010000", 32);

  private ReservedAddresses() {}

  /** True when the address lies in a reserved range. */
  public static boolean isReserved(InetAddress address) {
    if (address == null) {
      throw new DomainValidationException("address is required");
    }
    return isReserved(address.getAddress());
  }

  /**
   * True when the raw address (4 bytes IPv4, 16 bytes IPv6, network order) lies in a reserved range.
   * Unlike {@link InetAddress}, which silently turns IPv4-mapped IPv6 into IPv4, this sees the bytes
   * as they are; the embedded IPv4 address of a mapped or compatible form is checked too.
   *
   * @throws DomainValidationException when the array is null or neither 4 nor 16 bytes long
   */
  public static boolean isReserved(byte[] address) {
    if (address == null || (address.length != 4 && address.length != 16)) {
      throw new DomainValidationException("address must be 4 (IPv4) or 16 (IPv6) bytes");
    }
    if (address.length == 4) {
      return IPV4.stream().anyMatch(block -> block.contains(address));
    }
    if (IPV6.stream().anyMatch(block -> block.contains(address))) {
      return true;
    }
    if (IPV4_MAPPED.contains(address) || IPV4_COMPATIBLE.contains(address)) {
      byte[] embedded = {address[12], address[13], address[14], address[15]};
      return isReserved(embedded);
    }
    if (SIX_TO_FOUR.contains(address)) {
      return isReserved(new byte[] {address[2], address[3], address[4], address[5]});
    }
    if (TEREDO.contains(address)) {
      byte[] client = {(byte) ~address[12], (byte) ~address[13], (byte) ~address[14], (byte) ~address[15]};
      return isReserved(client);
    }
    return false;
  }

  /** The first reserved address of the collection, in iteration order; empty when all are public. */
  public static Optional<InetAddress> firstReserved(Collection<? extends InetAddress> addresses) {
    if (addresses == null) {
      throw new DomainValidationException("addresses are required");
    }
    for (InetAddress address : addresses) {
      if (isReserved(address)) {
        return Optional.of(address);
      }
    }
    return Optional.empty();
  }

  /** A CIDR block: the first {@code bits} bits of {@code prefix}. */
  private static final class Block {
    private final byte[] prefix;
    private final int bits;

    private Block(byte[] prefix, int bits) {
      this.prefix = prefix;
      this.bits = bits;
    }

    static Block v4(int first, int second, int bits) {
      return new Block(new byte[] {(byte) first, (byte) second, 0, 0}, bits);
    }

    /** {@code hexPrefix}: the leading hex digits of the address, zero-padded to 16 bytes. */
    static Block v6(String hexPrefix, int bits) {
      return new Block(HexFormat.of().parseHex(hexPrefix + "0".repeat(32 - hexPrefix.length())), bits);
    }

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (prefix[whole] & mask);
    }
  }
}
