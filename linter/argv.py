"""The options of ``check``, declared once, and a parser for its plain command lines.

click costs ~25 ms to import (it pulls in typing, gettext, locale, uuid, platform,
threading), a quarter of a one-file run, and a one-file run is what pre-commit and
editors do on every save.  So ``check`` with ordinary options is parsed here without
importing click; anything this parser is not sure about — ``--help``, an unknown or
abbreviated option, a value click would reject, bundled short flags, ``--`` — returns
None and the command line goes to click, which parses it (or explains the mistake) as
it always did.  Both parsers are built from ``CHECK_OPTIONS``, and a test holds them to
the same result on a matrix of command lines.
"""

from __future__ import annotations

from linter.record import Record

SEVERITIES = ("info", "warning", "error")

# kind: "value" (one value; repeated: the last wins), "multiple" (repeatable, a tuple),
# "flag" (True when given), "bool" (--x/--no-x: True, False, or None when absent),
# "choice" (a value from `choices`), "jobs" (an integer >= 1).
class Option(Record, frozen=True):
    __slots__ = ("dest", "flags", "kind", "help", "default", "choices", "metavar", "path", "secondary")

    def __init__(self, dest, flags, kind, help, *, default=None, choices=(), metavar=None, path=False, secondary=()):
        self.dest, self.flags, self.kind, self.help = dest, tuple(flags), kind, help
        self.default, self.choices, self.metavar, self.path = default, tuple(choices), metavar, path
        self.secondary = tuple(secondary)  # the --no-x spelling of a "bool" option


CHECK_OPTIONS = (
    Option("config_file", ("--config",), "value", "Configuration file (skips discovery).", path=True),
    Option("fmt", ("-f", "--format"), "multiple",
           "text (default), json, sarif, github, gitlab or junit; repeat for several reports."),
    Option("output", ("-o", "--output"), "multiple",
           "Write the report of the --format just before it to FILE (before any --format: the text report); "
           "a report without one goes to stdout.", path=True),
    Option("select", ("--select",), "multiple", "Rules to run: ids, prefixes (LNK1), names or ALL. Comma-separated."),
    Option("ignore", ("--ignore",), "multiple", "Rules not to run. Comma-separated."),
    Option("extend_select", ("--extend-select",), "multiple", "Rules to add to the configured selection."),
    Option("fail_on", ("--fail-on",), "choice", "Lowest severity that fails the run [default: warning].",
           choices=SEVERITIES + ("none",)),
    Option("exit_zero", ("--exit-zero",), "flag", "Exit 0 even when there are findings.", default=False),
    Option("quiet", ("-q", "--quiet"), "flag", "Print findings only, no summary.", default=False),
    Option("linkerd_version", ("--linkerd-version",), "value", "Target Linkerd version (2.18, stable-2.14.10, edge-25.4.4)."),
    Option("kubernetes_version", ("--kubernetes-version",), "value", "Target Kubernetes version (1.30, v1.30.4)."),
    Option("stdin_filename", ("--stdin-filename",), "value",
           "Name of the file read from stdin (-), for positions and per-file settings."),
    Option("exclude", ("--exclude",), "multiple", "Glob of paths to skip (repeatable)."),
    Option("context_paths", ("--context",), "multiple",
           "Paths read for cross-file facts but not reported (repeatable).", path=True),
    Option("default_namespace", ("--default-namespace",), "value", "Namespace of objects that name none [default: default]."),
    Option("assume_complete", ("--assume-complete",), "flag",
           "The input is the whole cluster: report references into namespaces it does not otherwise show."),
    Option("statistics", ("--statistics",), "flag",
           "Count findings per rule instead of listing them (text and json).", default=False),
    Option("fix", ("--fix",), "flag", "Apply safe fixes to the files (stdin: print the fixed document).", default=False),
    Option("unsafe_fixes", ("--unsafe-fixes",), "flag",
           "With --fix or --diff, also apply fixes that change behaviour.", default=False),
    Option("diff", ("--diff",), "flag",
           "Print the fixes as a unified diff and change nothing (exit 1 if there is one).", default=False),
    Option("baseline_file", ("--baseline",), "value", "Report only findings not recorded in this baseline file.", path=True),
    Option("write_baseline", ("--write-baseline",), "value", "Record the current findings in FILE (exit 0).", path=True),
    Option("color", ("--color",), "bool", "Colour the text report [default: when stdout is a terminal and NO_COLOR is not set].",
           secondary=("--no-color",)),
    Option("now", ("--now",), "value",
           "Fix the clock of certificate checks: ISO date or datetime (2030-01-31, 2030-01-31T12:00:00Z).", metavar="WHEN"),
    Option("jobs", ("-j", "--jobs"), "jobs",
           "Processes that read and check files [default: the cores this process may use (CPU set, container quota); small runs use one].", metavar="N"),
)

_BY_FLAG = {}
for _opt in CHECK_OPTIONS:
    for _flag in _opt.flags:
        _BY_FLAG[_flag] = (_opt, True)
    for _flag in _opt.secondary:
        _BY_FLAG[_flag] = (_opt, False)
del _opt, _flag


# -o belongs to the -f written before it, so their interleaving matters: both parsers also
# hand over ``reports``, the (dest, value) pairs of -f and -o in command-line order.
REPORT_DESTS = ("fmt", "output")


def defaults() -> dict:
    out = {"paths": (), "reports": ()}
    for opt in CHECK_OPTIONS:
        out[opt.dest] = () if opt.kind == "multiple" else opt.default
    return out


def _takes_value(opt: Option) -> bool:
    return opt.kind in ("value", "multiple", "choice", "jobs")


def parse_check(args: list) -> dict | None:
    """The parameters of ``check ARGS`` as click would pass them, or None to let click decide."""
    params = defaults()
    multiples: dict = {}
    paths = []
    reports = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        if arg == "--":
            return None  # rare; click knows the rules for what follows
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        if not arg.startswith("--") and inline:
            eq = "="  # -fjson: the value is attached
        entry = _BY_FLAG.get(name)
        if entry is None:
            return None  # --help, -h, an unknown or abbreviated option, bundled short flags
        opt, positive = entry
        if _takes_value(opt):
            if eq:
                value = inline
            elif i < len(args):
                value = args[i]
                i += 1
            else:
                return None  # click's "requires an argument"
            if value.startswith("-") and value != "-" and not eq:
                return None  # an option where a value belongs: let click judge
            if opt.kind == "multiple":
                multiples.setdefault(opt.dest, []).append(value)
                if opt.dest in REPORT_DESTS:
                    reports.append((opt.dest, value))
            elif opt.kind == "choice":
                if value not in opt.choices:
                    return None
                params[opt.dest] = value
            elif opt.kind == "jobs":
                if not (value.isdigit() and value.isascii()) or int(value) < 1:
                    return None
                params[opt.dest] = int(value)
            else:
                params[opt.dest] = value
        else:
            if eq:
                return None  # --quiet=yes: click's error
            params[opt.dest] = True if opt.kind == "flag" else positive
    for dest, values in multiples.items():
        params[dest] = tuple(values)
    params["paths"] = tuple(paths)
    params["reports"] = tuple(reports)
    return params
