import { describe, expect, it } from "vitest";
import { assignableRoles } from "./permissions";

describe("assignableRoles", () => {
  it("gives every role to those who may manage owners", () => {
    expect(assignableRoles(["members.manage", "owners.manage", "billing.manage"])).toEqual(["member", "admin", "owner"]);
  });

  it("gives up to admin to those who manage members but not owners", () => {
    expect(assignableRoles(["members.manage", "exports.manage"])).toEqual(["member", "admin"]);
  });

  it("gives none to those who may not manage members", () => {
    expect(assignableRoles([])).toEqual([]);
  });
});
