#!/usr/bin/env python3
"""terrane vs Terraform benchmark harness (see docs/benchmarks.md).

Generates configurations of N terraform_data resources in several shapes and,
for each tool, times a fresh `plan`, an `apply` and a no-op `plan` (after the
apply), recording each child's peak RSS from wait4(2). Every run has a time
cap; a run over the cap is killed (its whole process group) and reported as
"timed out after Xs". Writes a Markdown report to stdout and to --out.
"""

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep benches/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHASES = ["plan", "apply", "noop plan"]
# Plan phases shorter than this are run --repeat times (fastest reported).
REPEAT_BELOW_S = 5.0


class Run:
    """The outcome of one timed command."""

    def __init__(self, seconds=None, rss_kib=None, status="ok", note=""):
        self.seconds = seconds
        self.rss_kib = rss_kib
        self.status = status  # ok | timeout | error | skipped
        self.note = note

    def cell(self):
        if self.status == "ok":
            return fmt_secs(self.seconds)
        if self.status == "timeout":
            return "timed out after %ds" % round(self.seconds)
        if self.status == "error":
            return "error (%s)" % self.note
        return "skipped" + (" (%s)" % self.note if self.note else "")


def fmt_secs(s):
    if s is None:
        return "-"
    if s < 1:
        return "%.3f s" % s
    if s < 100:
        return "%.2f s" % s
    return "%.0f s" % s


def fmt_mib(kib):
    if kib is None:
        return "-"
    return "%.0f MiB" % (kib / 1024.0) if kib >= 10240 else "%.1f MiB" % (kib / 1024.0)


TIME = "/usr/bin/time"


def timed(argv, cwd, env, timeout, log_path):
    """Run ARGV in CWD; return (Run, exit code). Kills the group at TIMEOUT.

    Peak RSS comes from /usr/bin/time (GNU time, `%M`) when present: the
    wait4 rusage of a child forked from this Python process would count the
    parent's pages the child had before exec, which puts a floor of tens of
    MiB under small runs.
    """
    rss_file = log_path + ".rss"
    if os.access(TIME, os.X_OK):
        argv = [TIME, "-q", "-f", "%M", "-o", rss_file] + list(argv)
    with open(log_path, "ab") as log:
        log.write(("\n$ %s\n" % " ".join(argv)).encode())
        log.flush()
        start = time.monotonic()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        killed = threading.Event()

        def kill():
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    # A killed run has no GNU time report, and wait4's figure would be the
    # wrapper's: leave the peak unknown.
    rss = None if killed.is_set() else usage.ru_maxrss
    try:
        with open(rss_file, encoding="utf-8") as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        rss = int(lines[-1])
        os.unlink(rss_file)
    except (OSError, ValueError, IndexError):
        pass
    if killed.is_set():
        return Run(elapsed, rss, "timeout"), None
    return Run(elapsed, rss), proc.returncode


def tail(path, lines=8):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace").splitlines()
        return "\n".join(data[-lines:])
    except OSError:
        return ""


def state_instances(directory):
    """Count resource instances in DIRECTORY/terraform.tfstate (None if absent)."""
    path = os.path.join(directory, "terraform.tfstate")
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None
    return sum(len(r.get("instances", [])) for r in state.get("resources", []))


class Tool:
    def __init__(self, name, binary, timeout, repeat):
        self.name = name
        self.binary = binary
        self.timeout = timeout
        self.repeat = repeat

    def argv(self, phase):
        common = ["-input=false", "-no-color"]
        if phase == "init":
            return [self.binary, "init", "-input=false", "-no-color"]
        if phase == "plan":
            return [self.binary, "plan"] + common
        if phase == "apply":
            return [self.binary, "apply", "-auto-approve"] + common
        if phase == "noop plan":
            return [self.binary, "plan", "-detailed-exitcode"] + common
        if phase == "validate":
            return [self.binary, "validate", "-no-color"]
        raise ValueError(phase)


def bench_one(tool, shape, n, root, env, warnings):
    """Run init + the three phases for TOOL on SHAPE/N. Returns {phase: Run}."""
    directory = os.path.join(root, tool.name, "%s-%d" % (shape, n))
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    gen.write_config(directory, shape, n)
    log = os.path.join(directory, "bench.log")
    results = {}
    init, code = timed(tool.argv("init"), directory, env, tool.timeout, log)
    if init.status != "ok" or code != 0:
        note = "init failed" if init.status == "ok" else "init timed out"
        warnings.append("%s %s N=%d: %s:\n%s" % (tool.name, shape, n, note, tail(log)))
        return {p: Run(status="skipped", note=note) for p in PHASES}
    for phase in PHASES:
        if phase == "noop plan" and results["apply"].status != "ok":
            results[phase] = Run(status="skipped", note="apply did not finish")
            continue
        run, code = timed(tool.argv(phase), directory, env, tool.timeout, log)
        # Plans change nothing: repeat short ones and keep the fastest, so a
        # busy machine's noise does not decide a 50 ms measurement.
        if phase != "apply":
            for _ in range(tool.repeat - 1):
                if run.status != "ok" or code != 0 or run.seconds > REPEAT_BELOW_S:
                    break
                again, code = timed(tool.argv(phase), directory, env, tool.timeout, log)
                if again.status != "ok":
                    run, code = again, code
                    break
                again.rss_kib = max(again.rss_kib or 0, run.rss_kib or 0)
                if again.seconds < run.seconds:
                    run = again
                else:
                    run.rss_kib = again.rss_kib
        if run.status == "ok":
            # plan and apply exit 0; the no-op plan with -detailed-exitcode
            # exits 0 only when there is nothing to change (2 = changes).
            if code != 0:
                run.status = "error"
                run.note = "exit %d" % code
                what = "changes left after apply" if phase == "noop plan" and code == 2 else "failed"
                warnings.append(
                    "%s %s N=%d %s %s (exit %d):\n%s"
                    % (tool.name, shape, n, phase, what, code, tail(log))
                )
        results[phase] = run
        if phase == "apply" and run.status == "ok":
            got = state_instances(directory)
            if got != n:
                warnings.append(
                    "%s %s N=%d: state holds %s instances after apply, expected %d"
                    % (tool.name, shape, n, got, n)
                )
        sys.stderr.write(
            "  %-9s %-12s N=%-6d %-9s %s, %s\n"
            % (tool.name, shape, n, phase, run.cell(), fmt_mib(run.rss_kib))
        )
    return results


def bench_validate(tool, n, root, env, warnings):
    directory = os.path.join(root, tool.name, "validate-%d" % n)
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    gen.write_config(directory, "independent", n)
    log = os.path.join(directory, "bench.log")
    if tool.name == "terraform":
        # terraform validate needs an initialised directory; init is untimed.
        init, code = timed(tool.argv("init"), directory, env, tool.timeout, log)
        if init.status != "ok" or code != 0:
            return Run(status="skipped", note="init failed")
    run, code = timed(tool.argv("validate"), directory, env, tool.timeout, log)
    for _ in range(tool.repeat - 1):
        if run.status != "ok" or code != 0 or run.seconds > REPEAT_BELOW_S:
            break
        again, code = timed(tool.argv("validate"), directory, env, tool.timeout, log)
        if again.status != "ok" or again.seconds < run.seconds:
            run = again
    if run.status == "ok" and code != 0:
        run.status, run.note = "error", "exit %d" % code
        warnings.append("%s validate N=%d failed:\n%s" % (tool.name, n, tail(log)))
    sys.stderr.write("  %-9s validate N=%d %s, %s\n" % (tool.name, n, run.cell(), fmt_mib(run.rss_kib)))
    return run


def machine_facts():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            mem = "%.1f GiB RAM" % (kib / 1048576.0)
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join("%.2f" % x for x in os.getloadavg())
    return "%s, %d cores, %s, %s %s; load average at start %s" % (
        cpu,
        os.cpu_count() or 0,
        mem,
        platform.system(),
        platform.release(),
        load,
    )


def version_of(binary):
    try:
        out = subprocess.run(
            [binary, "version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
        return out.strip().splitlines()[0] if out.strip() else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def git_describe():
    try:
        out = subprocess.run(
            ["git", "-C", REPO, "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"],
            capture_output=True, text=True, timeout=30, check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=30, check=False,
        ).stdout.strip()
        return ", repository HEAD %s%s when the run started" % (
            out,
            " + uncommitted changes" if dirty else "",
        ) if out else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def ratio(tf, tn):
    if tn.status != "ok" or tn.seconds is None or tn.seconds <= 0:
        return "-"
    if tf.status == "ok":
        return "%.1f×" % (tf.seconds / tn.seconds)
    if tf.status == "timeout":
        return "> %.1f×" % (tf.seconds / tn.seconds)
    return "-"


def report(args, results, validate, warnings, facts, versions, started, command):
    out = []
    out.append("# terrane vs Terraform: benchmark results\n")
    out.append("- date: %s UTC" % started)
    out.append("- machine: %s" % facts)
    out.append("- terrane: %s (%s)" % (versions["terrane"], versions["terrane_built"]))
    out.append("- terraform: %s" % versions.get("terraform", "not run"))
    out.append("- command: `%s`" % command)
    out.append(
        "- wall time; plan and no-op plan runs under %gs are repeated %d times and the fastest is shown, "
        "apply runs once; peak RSS is the largest of the three phases "
        "(GNU time's %%M); speed-up = Terraform time ÷ terrane time; "
        "Terraform runs are capped at %ds%s\n"
        % (
            REPEAT_BELOW_S,
            max(1, args.repeat),
            args.tf_timeout,
            ", and skipped above N = %d" % args.tf_max_n if args.tf_max_n else "",
        )
    )
    out.append(
        "| shape | N | phase | terrane | Terraform | speed-up | terrane peak RSS | Terraform peak RSS | RSS ratio |"
    )
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for (shape, n), per_tool in results.items():
        tn = per_tool["terrane"]
        tf = per_tool.get("terraform")
        tn_rss = max((r.rss_kib or 0 for r in tn.values()), default=0) or None
        tf_rss = max((r.rss_kib or 0 for r in tf.values()), default=0) or None if tf else None
        for i, phase in enumerate(PHASES):
            tf_run = tf[phase] if tf else Run(status="skipped", note="not run")
            mem = ["", "", ""]
            if i == 0:
                rr = "%.2f" % (tn_rss / tf_rss) if tn_rss and tf_rss else "-"
                mem = [fmt_mib(tn_rss), fmt_mib(tf_rss) if tf else "-", rr]
            out.append(
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s |"
                % (shape, n, phase, tn[phase].cell(), tf_run.cell(), ratio(tf_run, tn[phase]), *mem)
            )
    out.append("")
    if validate:
        out.append("Config load + validate (independent shape):\n")
        out.append("| N | terrane | Terraform | terrane RSS | Terraform RSS |")
        out.append("|---:|---:|---:|---:|---:|")
        for n, per_tool in validate.items():
            tf = per_tool.get("terraform", Run(status="skipped", note="not run"))
            tn = per_tool["terrane"]
            out.append(
                "| %d | %s | %s | %s | %s |"
                % (n, tn.cell(), tf.cell(), fmt_mib(tn.rss_kib), fmt_mib(tf.rss_kib))
            )
        out.append("")
    out.extend(targets(results, validate))
    if warnings:
        out.append("## Problems seen during the run\n")
        for w in warnings:
            out.append("```\n%s\n```" % w)
        out.append("")
    return "\n".join(out)


def targets(results, validate):
    """Check issue 5's targets against what was measured."""
    out = ["## Targets\n"]
    need = {"plan": 20.0, "apply": 30.0, "noop plan": 20.0}
    rows = []
    for (shape, n), per_tool in results.items():
        if n != 1000 or "terraform" not in per_tool:
            continue
        tn, tf = per_tool["terrane"], per_tool["terraform"]
        for phase, want in need.items():
            a, b = tn[phase], tf[phase]
            if a.status != "ok" or b.status not in ("ok", "timeout"):
                verdict = "not measured"
            else:
                x = b.seconds / a.seconds
                lower = " (lower bound: Terraform timed out)" if b.status == "timeout" else ""
                verdict = "%s %.1f× (want ≥ %.0f×)%s" % (
                    "met" if x >= want else ("undecided" if lower else "MISSED"),
                    x,
                    want,
                    lower,
                )
            rows.append("- N=1,000 %s %s: %s" % (shape, phase, verdict))
        tn_rss = max(r.rss_kib or 0 for r in tn.values())
        tf_rss = max(r.rss_kib or 0 for r in tf.values())
        if tn_rss and tf_rss:
            q = tn_rss / tf_rss
            rows.append(
                "- N=1,000 %s peak memory: %s %.2f of Terraform's (want ≤ 0.25)"
                % (shape, "met" if q <= 0.25 else "MISSED", q)
            )
    for (shape, n), per_tool in results.items():
        if n == 10000:
            p = per_tool["terrane"]["plan"]
            if p.status == "ok":
                rows.append(
                    "- N=10,000 %s plan in %s: %s (want < 1 s)"
                    % (shape, fmt_secs(p.seconds), "met" if p.seconds < 1 else "MISSED")
                )
            else:
                rows.append("- N=10,000 %s plan: %s" % (shape, p.cell()))
    # Growth: the exponent k in t ~ N^k between N=1,000 and the largest N.
    by_shape = {}
    for (shape, n), per_tool in results.items():
        by_shape.setdefault(shape, {})[n] = per_tool["terrane"]
    for shape, sizes in by_shape.items():
        big = max(sizes)
        if 1000 not in sizes or big <= 1000:
            continue
        parts = []
        for phase in PHASES:
            a, b = sizes[1000][phase], sizes[big][phase]
            if a.status == "ok" and b.status == "ok" and a.seconds > 0:
                k = math.log(b.seconds / a.seconds) / math.log(big / 1000.0)
                parts.append("%s N^%.2f" % (phase, k))
        if parts:
            rows.append(
                "- terrane growth, %s, N=1,000→%s: %s (1.00 = linear)"
                % (shape, format(big, ","), ", ".join(parts))
            )
    for n, per_tool in validate.items():
        v = per_tool["terrane"]
        if v.status == "ok":
            rows.append("- load + validate N=%s: %s" % (format(n, ","), fmt_secs(v.seconds)))
    out.extend(rows or ["- nothing measured that a target applies to"])
    out.append("")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="sizes 100,1000; shapes independent,chain")
    p.add_argument("--sizes", help="comma-separated N values (default 100,1000,5000,10000)")
    p.add_argument("--shapes", help="comma-separated shapes (default: all): " + ",".join(gen.SHAPES))
    p.add_argument("--no-terraform", action="store_true", help="run terrane only")
    p.add_argument("--tf-timeout", type=int, default=300, help="cap per Terraform command, s")
    p.add_argument("--tf-max-n", type=int, default=1000, help="skip Terraform above this N (0: never)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each plan phase under 5 s (fastest kept)")
    p.add_argument("--timeout", type=int, default=300, help="cap per terrane command, s")
    p.add_argument("--validate-n", default="10000", help="N for the validate benchmark (comma list, empty: none)")
    p.add_argument("--terrane", default=os.path.join(REPO, "target", "release", "terrane"))
    p.add_argument("--terraform", default=shutil.which("terraform") or "/usr/local/bin/terraform")
    p.add_argument("--workdir", default=os.path.join(REPO, "target", "bench"))
    p.add_argument("--out", default=None, help="results file (default WORKDIR/results.md)")
    args = p.parse_args()

    sizes = [100, 1000, 5000, 10000]
    shapes = list(gen.SHAPES)
    if args.quick:
        sizes, shapes = [100, 1000], ["independent", "chain"]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    if args.shapes:
        shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
        bad = [s for s in shapes if s not in gen.GENERATORS]
        if bad:
            p.error("unknown shape(s) %s; known: %s" % (", ".join(bad), ", ".join(gen.SHAPES)))
    if any(n < 1 for n in sizes):
        p.error("sizes must be positive")
    validate_ns = [int(x) for x in args.validate_n.split(",") if x.strip()]
    # Commands run inside per-config directories: make every path absolute.
    args.workdir = os.path.abspath(args.workdir)
    args.terrane = os.path.abspath(args.terrane)
    if os.sep in args.terraform:
        args.terraform = os.path.abspath(args.terraform)
    out_path = args.out or os.path.join(args.workdir, "results.md")

    if not os.access(args.terrane, os.X_OK):
        sys.exit("terrane binary not found at %s (build: cargo build --release -p terrane)" % args.terrane)
    run_tf = not args.no_terraform
    if run_tf and not os.access(args.terraform, os.X_OK):
        sys.stderr.write("*** Terraform not found at %s: running terrane only ***\n" % args.terraform)
        run_tf = False

    os.makedirs(args.workdir, exist_ok=True)
    # Run a private copy, so a rebuild during a long run cannot change it.
    bindir = os.path.join(args.workdir, "bin")
    os.makedirs(bindir, exist_ok=True)
    private = os.path.join(bindir, "terrane")
    shutil.copy2(args.terrane, private)
    built_from = args.terrane
    args.terrane = private
    cli_config = os.path.join(args.workdir, "terraformrc")
    with open(cli_config, "w", encoding="utf-8") as f:
        f.write("")
    env = dict(os.environ)
    env.update(
        {
            "TF_CLI_CONFIG_FILE": cli_config,
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "NO_COLOR": "1",
        }
    )
    env.pop("TF_LOG", None)

    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    facts = machine_facts()
    repeat = max(1, args.repeat)
    terrane = Tool("terrane", args.terrane, args.timeout, repeat)
    terraform = Tool("terraform", args.terraform, args.tf_timeout, repeat)
    built_at = datetime.datetime.fromtimestamp(
        os.path.getmtime(built_from), datetime.timezone.utc
    ).strftime("%Y-%m-%d %H:%M UTC")
    versions = {
        "terrane": version_of(args.terrane),
        "terrane_built": "%s, binary built %s%s" % (built_from, built_at, git_describe()),
    }
    if run_tf:
        versions["terraform"] = version_of(args.terraform)

    warnings = []
    results = {}
    for shape in shapes:
        for n in sizes:
            per_tool = {"terrane": bench_one(terrane, shape, n, args.workdir, env, warnings)}
            if run_tf:
                if args.tf_max_n and n > args.tf_max_n:
                    sys.stderr.write("  terraform %-12s N=%-6d skipped (above --tf-max-n %d)\n" % (shape, n, args.tf_max_n))
                else:
                    per_tool["terraform"] = bench_one(terraform, shape, n, args.workdir, env, warnings)
            results[(shape, n)] = per_tool
    validate = {}
    for n in validate_ns:
        validate[n] = {"terrane": bench_validate(terrane, n, args.workdir, env, warnings)}
        if run_tf:
            validate[n]["terraform"] = bench_validate(terraform, n, args.workdir, env, warnings)

    command = "benches/run.sh " + shlex.join(sys.argv[1:])
    text = report(args, results, validate, warnings, facts, versions, started, command.strip())
    print(text)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    sys.stderr.write("results written to %s\n" % out_path)


if __name__ == "__main__":
    main()
