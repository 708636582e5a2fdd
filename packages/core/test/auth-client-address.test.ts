import { describe, expect, it } from "vitest";

import { addressLimitKey, sessionAddress } from "../src/auth/client-address";

describe("addressLimitKey", () => {
  it("counts IPv4 addresses one by one, IPv4-mapped IPv6 as its IPv4 address", () => {
    expect(addressLimitKey("203.0.113.7")).toBe("ip:203.0.113.7");
    expect(addressLimitKey("::ffff:203.0.113.7")).toBe("ip:203.0.113.7");
    expect(addressLimitKey("203.0.113.8")).not.toBe(addressLimitKey("203.0.113.7"));
  });

  it("counts an IPv6 address as its /56 network, however it is written", () => {
    const key = "ip:2001:db8:85a3:ab00::/56";
    expect(addressLimitKey("2001:db8:85a3:ab12:1:2:3:4")).toBe(key);
    expect(addressLimitKey("2001:0DB8:85A3:ABFF:0000:0000:0000:0001")).toBe(key);
    expect(addressLimitKey("2001:db8:85a3:ac00::1")).toBe("ip:2001:db8:85a3:ac00::/56");
  });

  it("keeps what is not an address as it is", () => {
    expect(addressLimitKey("unknown")).toBe("ip:unknown");
  });
});

describe("sessionAddress", () => {
  it("shows a stored IPv6 network compactly, with its prefix", () => {
    expect(sessionAddress("2001:0db8:85a3:08d3:0000:0000:0000:0000")).toBe(
      "2001:db8:85a3:8d3::/64",
    );
  });

  it("shows IPv4 and a missing address as they are", () => {
    expect(sessionAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(sessionAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(sessionAddress(null)).toBeNull();
  });
});
