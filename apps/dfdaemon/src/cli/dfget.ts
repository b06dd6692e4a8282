import { runDfget } from './run-dfget.js';

// The dfget binary (bin/dfget.js imports this module).
process.exitCode = await runDfget(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
