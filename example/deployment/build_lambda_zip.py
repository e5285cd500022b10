r"""Build the example's Lambda zip, byte for byte the same from the same tree.

    python build_lambda_zip.py --build-dir build --python-version 3.13 \
        --architecture x86_64

Run by the playbook's build step. It

1. builds a wheel of apig-wsgi from this repository and installs it, with
   ``example/requirements.txt``, for the function's Python and architecture;
2. copies the Django project in, and the exec wrapper ``run-wsgi`` (which
   starts apig-wsgi's runtime loop, so that Function URL responses stream),
   and runs ``collectstatic`` (WhiteNoise's compressed manifest storage), so
   the function serves hashed, gzipped static files without writing anything;
3. removes what the function does not need (scripts, tests, caches) and the
   metadata that names the build directory (``direct_url.json``);
4. compiles every module to unchecked-hash bytecode with the function's Python
   version. Lambda's task root is read-only, so without it every cold start
   compiles Django again; unchecked-hash files carry no timestamp and are used
   without reading the source;
5. zips the result with sorted entries, one fixed timestamp and fixed
   permissions (executable for the wrapper, which Lambda runs), and replaces
   ``lambda.zip`` only if its bytes changed.

It prints one JSON object: whether the zip changed, its SHA-256 as hex and as
the base64 that Lambda reports (``CodeSha256``), and its size.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

DEPLOYMENT_DIR = Path(__file__).resolve().parent
EXAMPLE_DIR = DEPLOYMENT_DIR.parent
REPO_DIR = EXAMPLE_DIR.parent
# The Lambda runtime unpacks the zip here; tracebacks name these paths.
TASK_ROOT = "/var/task"
# Lambda's Python 3.12 and 3.13 runtimes run on Amazon Linux 2023 (glibc 2.34).
MANYLINUX_TAGS = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
UNNEEDED_DIRS = {"__pycache__", "tests", "bin"}
# The exec wrapper that AWS_LAMBDA_EXEC_WRAPPER names: /var/task/run-wsgi.
EXEC_WRAPPER = "run-wsgi"
# The earliest time a zip entry can carry.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

COMPILE = """
import compileall, py_compile, sys
ok = compileall.compile_dir(
    sys.argv[1],
    ddir=sys.argv[2],
    quiet=1,
    workers=1,
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
)
sys.exit(0 if ok else 1)
"""


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(str(part) for part in command)} failed with exit status "
            f"{result.returncode}:\n{result.stdout}{result.stderr}"
        )


def python_for(version: str) -> str:
    """An interpreter of the function's Python version, to compile bytecode."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        raise SystemExit(
            f"Compiling bytecode for Python {version} needs python{version} on "
            "PATH: Lambda ignores bytecode of any other version. Install it, or "
            f"run the playbook with Python {version}."
        )
    return found


def build_wheel(dist_dir: Path) -> Path:
    # The sdist first and the wheel from it, so that stale files of in-tree
    # builds cannot reach the wheel.
    run(sys.executable, "-m", "build", "--outdir", dist_dir, REPO_DIR)
    (wheel,) = dist_dir.glob("apig_wsgi-*.whl")
    return wheel


def install(
    package_dir: Path, wheel: Path, python_version: str, architecture: str
) -> None:
    machine = MACHINES[architecture]
    platforms = [f"--platform={tag}_{machine}" for tag in MANYLINUX_TAGS]
    run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        *platforms,
        "--implementation=cp",
        f"--python-version={python_version}",
        "--only-binary=:all:",
        "--target",
        package_dir,
        "--requirement",
        EXAMPLE_DIR / "requirements.txt",
        wheel,
    )


def copy_project(package_dir: Path) -> None:
    shutil.copytree(
        EXAMPLE_DIR / "example_site",
        package_dir / "example_site",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "staticfiles"),
    )
    shutil.copyfile(DEPLOYMENT_DIR / EXEC_WRAPPER, package_dir / EXEC_WRAPPER)


def collect_static(package_dir: Path) -> None:
    """Run collectstatic with nothing but the package and the standard library."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        # Settings refuse to load without a key; collectstatic needs none.
        "DJANGO_SECRET_KEY": "collectstatic-only-" + "x" * 40,
        "DATABASE_URL": "sqlite://:memory:",
    }
    run(
        sys.executable,
        "-I",
        "-S",
        "-B",
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'collectstatic', '--no-input'])",
        package_dir,
        env=env,
    )
    # The manifest lists files in the order the file system gave them.
    manifest = package_dir / "example_site" / "staticfiles" / "staticfiles.json"
    content = json.loads(manifest.read_text())
    manifest.write_text(json.dumps(content, sort_keys=True))


def remove_unneeded(package_dir: Path) -> None:
    for path in sorted(package_dir.rglob("*"), reverse=True):
        if path.is_dir() and path.name in UNNEEDED_DIRS:
            shutil.rmtree(path)
        elif path.is_file() and (
            path.suffix == ".pyc" or path.name == "direct_url.json"
        ):
            path.unlink()
    for record in package_dir.glob("*.dist-info/RECORD"):
        rewrite_record(package_dir, record)


def rewrite_record(package_dir: Path, record: Path) -> None:
    """Keep only the entries of files the zip ships, sorted."""
    rows = list(csv.reader(io.StringIO(record.read_text())))
    kept = sorted(
        row
        for row in rows
        if row
        and (package_dir / row[0]).resolve().is_relative_to(package_dir)
        and (package_dir / row[0]).is_file()
    )
    output = io.StringIO()
    csv.writer(output, lineterminator="\n").writerows(kept)
    record.write_text(output.getvalue())


def compile_bytecode(package_dir: Path, python_version: str) -> None:
    python = python_for(python_version)
    run(python, "-I", "-c", COMPILE, package_dir, TASK_ROOT)


def zip_bytes(package_dir: Path) -> bytes:
    buffer = io.BytesIO()
    files = sorted(
        path.relative_to(package_dir).as_posix()
        for path in package_dir.rglob("*")
        if path.is_file()
    )
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = 0o100755 if name == EXEC_WRAPPER else 0o100644
            info.external_attr = mode << 16
            archive.writestr(info, (package_dir / name).read_bytes(), compresslevel=9)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--python-version", required=True, choices=["3.12", "3.13"])
    parser.add_argument("--architecture", required=True, choices=sorted(MACHINES))
    args = parser.parse_args(argv)

    build_dir = args.build_dir.resolve()
    dist_dir = build_dir / "dist"
    package_dir = build_dir / "package"
    for directory in (dist_dir, package_dir):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    wheel = build_wheel(dist_dir)
    install(package_dir, wheel, args.python_version, args.architecture)
    copy_project(package_dir)
    collect_static(package_dir)
    remove_unneeded(package_dir)
    compile_bytecode(package_dir, args.python_version)
    content = zip_bytes(package_dir)

    zip_path = build_dir / "lambda.zip"
    changed = not zip_path.exists() or zip_path.read_bytes() != content
    if changed:
        zip_path.write_bytes(content)
    digest = hashlib.sha256(content)
    print(
        json.dumps(
            {
                "changed": changed,
                "path": str(zip_path),
                "sha256": digest.hexdigest(),
                "code_sha256": base64.b64encode(digest.digest()).decode(),
                "size": len(content),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
