#!/usr/bin/env node
// The installed CLI: runs the compiled entry in lib/ (npm run build).
import { runCli } from '../lib/src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
