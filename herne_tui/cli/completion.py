"""``herne-tui completion bash|zsh``: a shell completion script generated from the parser.

No extra dependency: the script is written from the argparse parser itself (every command,
its options, their fixed choices, the German help texts for zsh), so it never lags behind.
Options that take a value without fixed choices complete file names.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from herne_tui.cli.common import COMPLETES, EPILOG, Command

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers

SHELLS = ("bash", "zsh")


@dataclass(frozen=True)
class Option:
    """One option of a command: its spellings, help, whether it takes a value, its choices."""

    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]


def _choices(action: argparse.Action) -> tuple[str, ...]:
    """An option's fixed values: its ``choices``, else the literal words of a metavar such as
    ``text|md|html`` or ``last|DATUM`` (options checked by the command itself, so that a wrong
    value is one German line)."""
    if action.choices:
        return tuple(str(c) for c in action.choices)
    if getattr(action, COMPLETES, ()):
        return tuple(getattr(action, COMPLETES))
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    if "|" not in metavar:
        return ()
    return tuple(w for w in metavar.split("|") if w.isascii() and w.isalpha() and w.islower())


def _options(parser: argparse.ArgumentParser) -> list[Option]:
    out = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        out.append(
            Option(
                tuple(action.option_strings),
                str(action.help or ""),
                action.nargs != 0,
                _choices(action),
            )
        )
    return out


def _positional_choices(parser: argparse.ArgumentParser) -> tuple[str, ...]:
    for action in parser._actions:
        if action.option_strings or _is_subparsers(action):
            continue
        if action.choices or getattr(action, COMPLETES, ()):
            return _choices(action)
    return ()


def _is_subparsers(action: argparse.Action) -> bool:
    return isinstance(action, argparse._SubParsersAction)


def commands_of(parser: argparse.ArgumentParser) -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """Command name → (help, parser), in the order ``--help`` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: str(a.help or "") for a in action._choices_actions}
            return {name: (helps.get(name, ""), p) for name, p in action.choices.items()}
    return {}


def command_tree(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command (``ris sync``, ``users add``) with its parser; the
    top level is ``""``."""
    out: list[tuple[str, argparse.ArgumentParser]] = [("", parser)]
    for name, (_, sub) in commands_of(parser).items():
        out.append((name, sub))
        out += [(f"{name} {inner}", p) for inner, (_, p) in commands_of(sub).items()]
    return out


# -- bash -----------------------------------------------------------------------------------------
def _words(items) -> str:
    return " ".join(items)


def _bash_value_cases(tree: list[tuple[str, argparse.ArgumentParser]]) -> list[str]:
    cases = []
    for name, sub in tree:
        for o in _options(sub):
            if not o.takes_value:
                continue
            pattern = "|".join(f'"{name}:{flag}"' for flag in o.flags)
            reply = (
                f'COMPREPLY=($(compgen -W "{_words(o.choices)}" -- "$cur"))'
                if o.choices
                else "COMPREPLY=()"  # -o default: file names
            )
            cases.append(f"    {pattern}) {reply}; return ;;")
    return cases


def bash_script(parser: argparse.ArgumentParser) -> str:
    """A bash completion function for ``herne-tui`` (source it, or put it in
    ``~/.local/share/bash-completion/completions/herne-tui``)."""
    commands = commands_of(parser)
    tree = command_tree(parser)
    nested = [
        f'"{name}:{inner}"' for name, (_, sub) in commands.items() for inner in commands_of(sub)
    ]
    word_cases = []
    for name, sub in tree:
        flags = [f for o in _options(sub) for f in o.flags]
        words = _words([*commands_of(sub), *_positional_choices(sub), *flags])
        word_cases.append(f'    "{name}") COMPREPLY=($(compgen -W "{words}" -- "$cur")) ;;')
    second = (
        [
            '  if [[ -n "$cmd" ]]; then',
            "    for ((i = i + 1; i < COMP_CWORD; i++)); do",
            '      case "$cmd:${COMP_WORDS[i]}" in',
            f'        {"|".join(nested)}) cmd="$cmd ${{COMP_WORDS[i]}}"; break ;;',
            "      esac",
            "    done",
            "  fi",
        ]
        if nested
        else []
    )
    return "\n".join(
        [
            "# bash completion for herne-tui (generated by: herne-tui completion bash)",
            "_herne_tui() {",
            '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '  local cmd="" i',
            "  for ((i = 1; i < COMP_CWORD; i++)); do",
            '    case "${COMP_WORDS[i]}" in',
            f'      {"|".join(commands)}) cmd="${{COMP_WORDS[i]}}"; break ;;',
            "    esac",
            "  done",
            *second,
            '  case "$cmd:$prev" in',
            *_bash_value_cases(tree),
            "  esac",
            '  case "$cmd" in',
            *word_cases,
            "  esac",
            "}",
            "complete -o default -F _herne_tui herne-tui",
            "",
        ]
    )


# -- zsh ------------------------------------------------------------------------------------------
def _zsh_quote(text: str) -> str:
    """Text for inside a single-quoted _arguments spec: brackets and colons escaped."""
    text = " ".join(text.split())
    for ch in ("\\", "[", "]", ":"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("'", "'\\''")


def _zsh_specs(options: list[Option], positional: tuple[str, ...]) -> list[str]:
    specs = []
    for o in options:
        value = ""
        if o.takes_value:
            action = f"({' '.join(o.choices)})" if o.choices else "_files"
            value = f":{_zsh_quote(o.flags[-1].lstrip('-'))}:{action}"
        exclusive = f"({' '.join(o.flags)})" if len(o.flags) > 1 else ""
        for flag in o.flags:
            specs.append(f"'{exclusive}{flag}[{_zsh_quote(o.help)}]{value}'")
    if positional:
        specs.append(f"'1:Art:({' '.join(positional)})'")
    else:
        specs.append("'*:Datei:_files'")
    return specs


def _zsh_described(commands: dict[str, tuple[str, argparse.ArgumentParser]]) -> list[str]:
    return [f"'{name}:{_zsh_quote(text)}'" for name, (text, _) in commands.items()]


def _zsh_case(name: str, sub: argparse.ArgumentParser, indent: str) -> list[str]:
    """The ``case`` branch of one command: its options, and its own commands if it has any."""
    inner = commands_of(sub)
    if not inner:
        specs = f" \\\n{indent}    ".join(_zsh_specs(_options(sub), _positional_choices(sub)))
        return [
            f"{indent}{name})",
            f"{indent}  _arguments \\",
            f"{indent}    {specs}",
            f"{indent}  ;;",
        ]
    own = [x for x in _zsh_specs(_options(sub), ()) if not x.startswith("'*")]
    lines = [f"{indent}{name})", f"{indent}  local -a subcommands"]
    lines.append(f"{indent}  subcommands=({' '.join(_zsh_described(inner))})")
    lines.append(f"{indent}  _arguments -C \\")
    lines += [f"{indent}    {x} \\" for x in own]
    lines += [f"{indent}    '1: :->sub' \\", f"{indent}    '*:: :->subargs'"]
    lines += [
        f"{indent}  case $state in",
        f"{indent}    sub) _describe -t commands 'Befehl' subcommands ;;",
        f"{indent}    subargs)",
        f"{indent}      case $words[1] in",
    ]
    for inner_name, (_, p) in inner.items():
        lines += _zsh_case(inner_name, p, indent + "        ")
    lines += [f"{indent}      esac", f"{indent}      ;;", f"{indent}  esac", f"{indent}  ;;"]
    return lines


def zsh_script(parser: argparse.ArgumentParser) -> str:
    """A zsh completion function for ``herne-tui`` (save as ``_herne-tui`` in ``$fpath``)."""
    commands = commands_of(parser)
    described = [f"    {x}" for x in _zsh_described(commands)]
    top = [
        f"    {spec} \\" for spec in _zsh_specs(_options(parser), ()) if not spec.startswith("'*")
    ]
    cases = [line for name, (_, sub) in commands.items() for line in _zsh_case(name, sub, " " * 8)]
    return "\n".join(
        [
            "#compdef herne-tui",
            "# zsh completion for herne-tui (generated by: herne-tui completion zsh)",
            "_herne_tui() {",
            "  local -a commands",
            "  commands=(",
            *described,
            "  )",
            "  local context state state_descr line",
            "  typeset -A opt_args",
            "  _arguments -C \\",
            *top,
            "    '1: :->command' \\",
            "    '*:: :->args'",
            "  case $state in",
            "    command) _describe -t commands 'Befehl' commands ;;",
            "    args)",
            "      case $words[1] in",
            *cases,
            "      esac",
            "      ;;",
            "  esac",
            "}",
            "# from $fpath this file is the function _herne-tui: complete; sourced: register",
            'if [[ "${funcstack[1]}" == _herne-tui ]]; then',
            '  _herne_tui "$@"',
            "else",
            "  compdef _herne_tui herne-tui",
            "fi",
            "",
        ]
    )


SCRIPTS: dict[str, Callable[[argparse.ArgumentParser], str]] = {
    "bash": bash_script,
    "zsh": zsh_script,
}


def add_completion(sub: Subparsers) -> None:
    """The ``completion`` parser."""
    p = sub.add_parser(
        "completion",
        help="Skript für die Tab-Vervollständigung in bash oder zsh ausgeben",
        description='bash: eval "$(herne-tui completion bash)" in ~/.bashrc; zsh: '
        "herne-tui completion zsh > ~/.zfunc/_herne-tui (mit fpath+=~/.zfunc vor compinit)",
        epilog=EPILOG,
    )
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash oder zsh")


def cmd_completion(args: argparse.Namespace) -> int:
    """``completion``: print the script for the shell."""
    import sys

    sys.stdout.write(SCRIPTS[args.shell](args.root_parser))  # set by cli.main.build_parser
    return 0


COMMANDS = {"completion": Command(add_completion, cmd_completion)}
