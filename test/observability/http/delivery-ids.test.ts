import { describe, expect, it } from "vitest";
import { DeliveryIds } from "../../../src/observability/http/delivery-ids.js";

describe("DeliveryIds", () => {
  it("reports an id as seen the second time", () => {
    const ids = new DeliveryIds(3);
    expect(ids.seen("a")).toBe(false);
    expect(ids.seen("a")).toBe(true);
  });

  it("is bounded: the least recently seen id is forgotten first", () => {
    const ids = new DeliveryIds(2);
    ids.seen("a");
    ids.seen("b");
    ids.seen("a"); // refreshes a; b is now the oldest
    ids.seen("c"); // evicts b
    expect(ids.seen("a")).toBe(true);
    expect(ids.seen("b")).toBe(false);
  });
});
