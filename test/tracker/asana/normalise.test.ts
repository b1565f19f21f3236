import { describe, expect, it } from "vitest";
import { normaliseAsanaTask } from "../../../src/tracker/asana/normalise.js";

const PROJECT = "100";
const task = (patch: Record<string, unknown> = {}) => ({
  gid: "7",
  name: "Write docs",
  completed: false,
  resource_subtype: "default_task",
  memberships: [
    { project: { gid: "999" }, section: { gid: "1", name: "Elsewhere" } },
    { project: { gid: PROJECT }, section: { gid: "2", name: "Doing" } },
  ],
  ...patch,
});

describe("normaliseAsanaTask", () => {
  it("the state is the section in the configured project (not another membership)", () => {
    const record = normaliseAsanaTask(task(), PROJECT);
    expect(record.kind === "issue" && record.issue).toMatchObject({
      id: "7",
      identifier: "ASANA-7",
      state: "Doing",
      nativeRef: { task_gid: "7", project_gid: PROJECT, section_gid: "2" },
    });
  });

  it.each([
    ["incomplete task", {}, true],
    ["completed task", { completed: true }, false],
    ["section row", { resource_subtype: "section" }, false],
    ["milestone", { resource_subtype: "milestone" }, true],
  ])("dispatchable: %s → %s", (_name, patch, dispatchable) => {
    const record = normaliseAsanaTask(task(patch), PROJECT);
    expect(record.kind === "issue" && record.issue.dispatchable).toBe(dispatchable);
  });

  it.each([
    ["not an object", null, "task is not an object"],
    ["non-numeric gid", task({ gid: "abc" }), "missing or non-numeric gid"],
    ["no memberships", task({ memberships: undefined }), "missing memberships"],
    ["blank name", task({ name: " " }), "missing name"],
    ["completed not boolean", task({ completed: "no" }), "missing completed flag"],
  ])("malformed: %s", (_name, raw, reason) => {
    expect(normaliseAsanaTask(raw, PROJECT)).toMatchObject({ kind: "malformed", reason });
  });

  it("a task outside the project is out of scope", () => {
    expect(
      normaliseAsanaTask(task({ memberships: [{ project: { gid: "5" }, section: { name: "x" } }] }), PROJECT),
    ).toEqual({
      kind: "out_of_scope",
      gid: "7",
    });
  });
});
