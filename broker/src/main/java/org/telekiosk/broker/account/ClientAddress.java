package org.telekiosk.broker.account;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where a request comes from, as a key for rate limits. An IPv4 address is itself; an IPv6 address is reduced to its
 * /64 prefix, because one host usually holds a whole /64 (RFC 4291, RFC 7421) and could otherwise rotate through
 * 2<sup>64</sup> addresses to dodge a per-address limit. Never resolved through DNS.
 */
public record ClientAddress(String value) {
    public ClientAddress {
        Objects.requireNonNull(value, "value");
    }

    public static ClientAddress of(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return new ClientAddress(InetAddress.getByAddress(prefix).getHostAddress() + "/64");
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 16-byte address is always valid", e);
            }
        }
        return new ClientAddress(address.getHostAddress());
    }

    /** Parses an IP literal such as {@code 192.0.2.7} or {@code 2001:db8::1}; throws for anything else. */
    public static ClientAddress parse(String literal) {
        return of(InetAddress.ofLiteral(literal));
    }

    @Override
    public String toString() {
        return value;
    }
}
