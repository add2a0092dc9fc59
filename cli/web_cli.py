"""``zhaoshang serve`` (the office's web workspace) and ``zhaoshang user add|list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DEFAULT_GRAPH_PATH, ClustersOpt, DebugOpt, GraphOpt, err, handle_errors, out
from graph.errors import UsageError

user_app = typer.Typer(help="网页工作台（zhaoshang serve）的用户。", no_args_is_help=True)


def serve(
    host: Annotated[
        str,
        typer.Option(help="监听地址；0.0.0.0 对办公网络开放（默认只限本机）。"),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="端口。")] = 8000,
    clusters: ClustersOpt = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules", help="引荐台账页面所用的奖励办法文件（TOML），示例见 examples/rewards.toml。"
        ),
    ] = None,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Serve the web workspace: search, referral paths, target lists, uploads."""
    import uvicorn

    from web.app import create_app
    from web.users import UserStore, users_path

    if graph.is_dir():
        raise UsageError(f"图谱数据库 {graph} 是文件夹，不是图谱数据库文件")
    if not graph.exists():
        err.print(
            f"图谱数据库 {graph} 不存在，将新建一个空图谱（可在网页上传数据）", highlight=False
        )
    if not UserStore(users_path(graph)).users():
        err.print(
            f"还没有用户：请先运行 zhaoshang user add 姓名 --role admin --graph {graph}",
            highlight=False,
        )
    err.print(f"招商图谱：http://{host}:{port}/  （图谱 {graph}，Ctrl-C 停止）", highlight=False)
    app = create_app(graph, clusters, rules=rules)
    uvicorn.run(app, host=host, port=port, log_level="debug" if debug else "warning")


def user_add(
    name: Annotated[str, typer.Argument(help="登录名。")],
    role: Annotated[
        str, typer.Option(help="角色：viewer（查看）、officer（招商专员）或 admin（管理员）。")
    ],
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Create a user (or reset one's role and password); the password is prompted."""
    from web.users import ROLES, UserStore, users_path

    if role not in ROLES:
        raise UsageError(f"--role {role}：没有这个角色", list(ROLES))
    password = typer.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")
    UserStore(users_path(graph)).add_user(name, role, password)
    out.print(f"用户 {name}（{role}）已保存到 {users_path(graph)}", highlight=False)


def user_list(graph: GraphOpt = DEFAULT_GRAPH_PATH, debug: DebugOpt = False) -> None:
    """List the users and their roles."""
    from web.users import UserStore, users_path

    path: Path = users_path(graph)
    for name, role in UserStore(path).users():
        out.print(f"{name}\t{role}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``user`` group to the root app."""
    app.command("serve", help="启动网页工作台：企业搜索、引荐路径、目标企业清单、数据上传。")(
        handle_errors(serve)
    )
    user_app.command("add", help="新建用户（或重设其角色和密码）；密码在提示后输入。")(
        handle_errors(user_add)
    )
    user_app.command("list", help="列出用户及其角色。")(handle_errors(user_list))
    app.add_typer(user_app, name="user")
