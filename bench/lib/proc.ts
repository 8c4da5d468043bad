/**
 * Child processes for the benchmark: spawn, wait for a line, stop; and CPU / peak-RSS sampling of
 * a process through /proc (Linux).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

export interface ChildOptions {
  /** A short name for messages. */
  name: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Open an IPC channel to the child. */
  ipc?: boolean;
}

/** A spawned Node process whose stdout is read line by line (and its stderr kept for errors). */
export class Child {
  readonly proc: ChildProcess;
  readonly name: string;
  readonly exited: Promise<number | null>;
  private readonly lines: string[] = [];
  private readonly stderrTail: string[] = [];
  private readonly waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  private exitCode: number | null | undefined;

  constructor(options: ChildOptions) {
    this.name = options.name;
    this.proc = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    const stdout = this.proc.stdout;
    const stderr = this.proc.stderr;
    if (!stdout || !stderr) throw new Error(`${this.name}: no stdio pipes`);
    createInterface({ input: stdout }).on("line", (line) => this.onLine(line));
    createInterface({ input: stderr }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 40) this.stderrTail.shift();
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${this.name}] ${line}\n`);
    });
    this.exited = new Promise((resolve) => {
      this.proc.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error(`${this.name} has no pid (did it fail to spawn?)`);
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines written to stderr and stdout, for error messages. */
  tail(): string {
    return [...this.lines.slice(-20), ...this.stderrTail].join("\n");
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 200) this.lines.shift();
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${this.name}] ${line}\n`);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter?.test(line)) {
        this.waiters.splice(i, 1);
        waiter.resolve(line);
      }
    }
  }

  /** Resolves with the first stdout line (already seen or to come) that passes the test. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no expected output within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}) before it was ready\n${this.tail()}`));
      });
      this.waiters.push({
        test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited after graceMs. Resolves with the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (this.running) this.proc.kill("SIGKILL");
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

let clockTicks: number | null = null;

/** Kernel clock ticks per second (USER_HZ), for /proc/<pid>/stat times. */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (utime + stime of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; fields after ")" are space-separated.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

/** A field of /proc/<pid>/status in MiB (VmHWM = peak resident set size, VmRSS = current). */
export function statusMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples one process: CPU used since `start()` and its peak RSS, read before it exits. */
export class ProcessSampler {
  private cpuAtStart = 0;
  private cpuAtEnd = Number.NaN;
  private peakRss = Number.NaN;

  constructor(private readonly pid: number) {}

  start(): void {
    this.cpuAtStart = cpuSeconds(this.pid);
  }

  /** Reads the figures; call while the process is still alive. */
  finish(): { cpuSeconds: number; peakRssMiB: number } {
    this.cpuAtEnd = cpuSeconds(this.pid);
    this.peakRss = statusMiB(this.pid, "VmHWM");
    return { cpuSeconds: this.cpuAtEnd - this.cpuAtStart, peakRssMiB: this.peakRss };
  }
}
