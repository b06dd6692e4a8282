// The dfget binary (bin/dfget.js imports this module).
// DFGET_TRACING_ENDPOINT=host:port exports this download's trace over OTLP/HTTP (dfget is the
// root span; dfdaemon, scheduler and parents continue it). Unset: neither the tracing SDK nor the
// logger is loaded, which keeps dfget's start-up (paid on every download) short.
const io = { stdout: process.stdout, stderr: process.stderr };
const argv = process.argv.slice(2);
if ((process.env.DFGET_TRACING_ENDPOINT ?? '') === '') {
  const { runDfget } = await import('./run-dfget.js');
  process.exitCode = await runDfget(argv, io);
} else {
  const { runTracedDfget } = await import('./traced-dfget.js');
  process.exitCode = await runTracedDfget(argv, io, process.env.DFGET_TRACING_ENDPOINT ?? '');
}
