import { isAbsolute, relative, sep } from "node:path";

/** True when `child` lies strictly inside `root` (both already resolved real paths). */
export function isStrictlyInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel !== "" && !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}
