#!/usr/bin/env node
// The rtml command: TypeScript sources run through tsx (a production dependency), so there is no build step.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../services/cli/main.ts");
run(process.argv.slice(2));
