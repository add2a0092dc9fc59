"""Chinese for the texts click and typer print themselves (help headings, usage errors).

typer 0.29 carries its own copy of click (``typer._click``) with English texts written
in place, and looks a few others up through ``gettext``; pydantic words the type errors
of option values. :func:`install` makes all of them Chinese whatever the machine's
locale: the ``gettext`` lookups go through :data:`CATALOG`, the usage line and the help
option get Chinese texts, and every usage error's message is rewritten by
:data:`PATTERNS`. A text neither covers passes through unchanged (and the language test
reports it).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: msgid → Chinese. The msgids are click 8 / typer 0.x texts, verbatim.
CATALOG: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Positional arguments": "参数",
    "Commands": "命令",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "Aborted!": "已中止。",
    "Aborted.": "已中止。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "default: {default}": "默认：{default}",
    "[default: {}]": "[默认：{}]",
    "env var: {var}": "环境变量：{var}",
    "[env var: {}]": "[环境变量：{}]",
    "required": "必填",
    "[required]": "[必填]",
    "(dynamic)": "（动态）",
    "(deprecated) ": "（已弃用）",
    "deprecated": "已弃用",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "用 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数值",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个取值。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Value must be an iterable.": "取值必须是列表。",
}

_MODULES = (
    "click.core",
    "click.exceptions",
    "click.types",
    "click.parser",
    "click.decorators",
    "click.formatting",
    "click.termui",
    "typer.core",
    "typer.main",
    "typer.rich_utils",
)
_RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


#: Usage-error messages (typer's click copy, pydantic): pattern → Chinese, tried in order
#: and repeatedly, so "Invalid value for '-n': Input should be …" becomes wholly Chinese.
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), zh)
    for p, zh in (
        (r"Invalid value for (.+?) \(env var: '(.+?)'\): ", r"\1（环境变量 \2）的取值无效："),
        (r"Invalid value for (.+?): ", r"\1 的取值无效："),
        (r"Invalid value: ", "取值无效："),
        (r"Value error, ", ""),
        (r"Input should be a valid integer(, unable to parse string as an integer)?", "应为整数"),
        (r"Input should be a valid number(, unable to parse string as a number)?", "应为数字"),
        (r"Input should be a valid boolean(, unable to interpret input)?", "应为是或否"),
        (r"Input should be a valid date( or datetime)?(, .*)?", "应为日期 YYYY-MM-DD"),
        (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
        (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
        (r"Input should be greater than (\S+)", r"应大于 \1"),
        (r"Input should be less than (\S+)", r"应小于 \1"),
        (r"Value (.+?) is not a valid (\w+)\.", r"\1 不是有效的 \2。"),
        (r"(.+?) is not one of (.+?)\.$", r"\1 不是 \2 之一。"),
        (r"Missing option (.+?)\.", r"缺少选项 \1。"),
        (r"Missing argument (.+?)\.", r"缺少参数 \1。"),
        (r"Missing parameter:? (.+?)\.?$", r"缺少参数 \1。"),
        (r"No such option: (\S+)", r"没有选项 \1"),
        (r"\(Possible options: (.+?)\)", r"（可选：\1）"),
        (r"[.。]* ?Did you mean (.+?)\?", r"。是否想用 \1？"),
        (r"Got unexpected extra argument\(s\) \((.*)\)", r"多余的参数（\1）"),
        (r"Option (.+?) requires an argument\.", r"选项 \1 需要一个取值。"),
        (r"Option (.+?) requires (\d+) arguments\.", r"选项 \1 需要 \2 个取值。"),
        (r"Option (.+?) does not take a value\.", r"选项 \1 不带取值。"),
        (r"Argument (.+?) takes (\d+) values\.", r"参数 \1 需要 \2 个取值。"),
        (r"(?:File|Directory|Path) (.+?) does not exist\.", r"路径 \1 不存在。"),
        (r"(?:File|Directory|Path) (.+?) is a file\.", r"路径 \1 是文件。"),
        (r"(?:File|Directory|Path) (.+?) is a directory\.", r"路径 \1 是文件夹。"),
    )
]


def translate_error(message: str) -> str:
    """``message`` (a usage error's) in Chinese, by :data:`PATTERNS` (unknown parts kept)."""
    for pattern, zh in PATTERNS:
        message = pattern.sub(zh, message)
    return message


def gettext(message: str) -> str:
    """The Chinese of ``message`` (``message`` itself when the catalog lacks it)."""
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The Chinese of ``singular`` or ``plural`` (Chinese has no plural forms)."""
    return gettext(singular if n == 1 else plural)


def _chinese_message(method: Callable[[Any], str]) -> Callable[[Any], str]:
    @functools.wraps(method)
    def format_message(self: Any) -> str:
        return translate_error(method(self))

    format_message.__zh__ = True  # type: ignore[attr-defined]
    return format_message


def _chinese_rich_utils(rich_utils: ModuleType) -> None:
    for constant, msgid in _RICH_CONSTANTS.items():
        setattr(rich_utils, constant, gettext(msgid))
    if hasattr(rich_utils, "_"):
        rich_utils._ = gettext  # type: ignore[attr-defined]
    if hasattr(rich_utils, "ngettext"):
        rich_utils.ngettext = ngettext  # type: ignore[attr-defined]


def _when_imported(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Run ``patch(module)`` on module ``name`` now if it is imported, else right after
    its first import.

    typer imports ``typer.rich_utils`` (and with it rich's markdown, ~0.1 s) only to
    print help or an error; a question that prints neither does not load it.
    """
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
    elif not any(isinstance(f, _PatchAfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchAfterImport(name, patch))


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    """A finder that hands module ``name``'s import to the other finders and patches the
    module once it has run (removes itself on first use)."""

    def __init__(self, name: str, patch: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.patch = patch

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader, patch = spec.loader, self.patch

        class Patching(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)
                patch(module)

        spec.loader = Patching()
        return spec


def install() -> None:
    """Make click's and typer's own texts Chinese (idempotent; see the module notes)."""
    import click.core  # noqa: F401  (loads the click modules patched below)
    import typer.core
    import typer.main  # noqa: F401
    from typer._click import core, exceptions, formatting

    for name in _MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    _when_imported("typer.rich_utils", _chinese_rich_utils)
    for cls in vars(exceptions).values():
        if isinstance(cls, type) and "format_message" in vars(cls):
            method = vars(cls)["format_message"]
            if not getattr(method, "__zh__", False):
                setattr(cls, "format_message", _chinese_message(method))  # noqa: B010
    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "__zh__", False):

        @functools.wraps(write_usage)
        def chinese_usage(
            self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
        ) -> None:
            write_usage(self, prog, args, "用法：" if prefix is None else prefix)

        chinese_usage.__zh__ = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = chinese_usage  # type: ignore[method-assign]
    get_help_option = core.Command.get_help_option
    if not getattr(get_help_option, "__zh__", False):

        @functools.wraps(get_help_option)
        def chinese_help_option(self: core.Command, ctx: core.Context) -> Any:
            option = get_help_option(self, ctx)
            if option is not None:
                option.help = gettext("Show this message and exit.")
            return option

        chinese_help_option.__zh__ = True  # type: ignore[attr-defined]
        core.Command.get_help_option = chinese_help_option  # type: ignore[method-assign]
