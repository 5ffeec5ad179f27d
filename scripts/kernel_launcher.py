"""Starts the notebooks' Rust kernel in a build folder that kernels reuse, one kernel at a time.

`scripts/setup` copies this file beside the kernel's kernel.json (as launch.py), which runs it
with the environment's Python:

    python -I launch.py EVCXR_JUPYTER --control_file {connection_file}

evcxr builds each kernel's cells, and the crates they name with `:dep`, in a folder of its own:
by default a new temporary folder, so every kernel start builds the crate and every dependency
with a build script again (evcxr's `:cache` serves the other dependencies; it never serves a path
dependency such as this crate, which cargo builds incrementally). Here each kernel takes the
first free folder `builds/slot-N` instead (`EVCXR_TMPDIR`), where cargo finds the previous
kernel's build and rebuilds only what changed. A slot is held by a lock on `slot-N/.lock`, which
the kernel keeps open for its life: a second notebook opened at the same time takes the next
slot, so two kernels never write to one folder. What a slot's kernel starts (cargo, the process
that runs the cells) inherits the lock, so a slot is free again only when all of it has exited.

The cargo config in `builds/.cargo/config.toml` (see scripts/setup's BUILD_CONFIG), above every
slot, builds the crate and its dependencies optimized.

A notebook finds the crate with its first cell, `:dep backprop = { path = ".." }`, from its own
folder. Where a notebook runs far from the crate (an nbgrader course's release, submissions and
autograded copies, in folders of every depth), `BACKPROP_CRATE` names the crate's folder instead
(the course's nbgrader_config.py sets it): the kernel then adds the crate as it starts, with
evcxr's startup file (`init.evcxr` in `EVCXR_CONFIG_DIR`), and the notebook names no path.
"""

import os
import sys
import time

# a kernel restarted from JupyterLab may start before the old kernel's processes have exited:
# for this long it waits for a slot it has used to come free rather than build in a new one
WAIT_FOR_A_USED_SLOT = 3.0
SLOTS = 64


def take_slot(builds, wait=WAIT_FOR_A_USED_SLOT, slots=SLOTS):
    """(the slot folder, its lock's file descriptor, held) for the first free slot under `builds`.

    A slot that has been built in (it holds a `target` folder) is preferred over a new one; when
    all of those are held, they are tried again for `wait` seconds before a new one is made.
    """
    import fcntl

    def try_lock(slot):
        slot.mkdir(parents=True, exist_ok=True)
        fd = os.open(slot / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    all_slots = [builds / f"slot-{n}" for n in range(slots)]
    used = [slot for slot in all_slots if (slot / "target").is_dir()]
    deadline = time.monotonic() + (wait if used else 0)
    while True:
        for slot in used:
            fd = try_lock(slot)
            if fd is not None:
                return slot, fd
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    for slot in all_slots:
        if slot not in used:
            fd = try_lock(slot)
            if fd is not None:
                return slot, fd
    return None, None


CRATE = "BACKPROP_CRATE"


def crate_at_start(env, folder):
    """With BACKPROP_CRATE set, an evcxr startup file in `folder` that adds the crate it names
    (optimization as the notebooks' first cells ask, `:opt 0`), named by EVCXR_CONFIG_DIR in
    `env`; a folder that holds no Cargo.toml is said on stderr and left out."""
    import pathlib

    crate = env.get(CRATE)
    if not crate:
        return
    path = pathlib.Path(crate).expanduser().resolve()
    if not (path / "Cargo.toml").is_file():
        print(f"{CRATE}={crate}: expected the folder of the backprop crate (its Cargo.toml), found none there; "
              "the kernel starts without it", file=sys.stderr)
        return
    config = pathlib.Path(folder) / "evcxr-config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "init.evcxr").write_text(":opt 0\n:dep backprop = { path = %s }\n" % __import__("json").dumps(str(path)))
    env["EVCXR_CONFIG_DIR"] = str(config)


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: launch.py EVCXR_JUPYTER [ARGS ...]")
    program, args = argv[1], argv[1:]
    env = dict(os.environ)
    try:
        import fcntl  # noqa: F401  (POSIX only; elsewhere evcxr's own temporary folder)
    except ImportError:
        crate_at_start(env, __import__("tempfile").mkdtemp(prefix="backprop-kernel-"))
        os.execve(program, args, env)
    builds = __import__("pathlib").Path(__file__).resolve().parent / "builds"
    slot, fd = take_slot(builds)
    if slot is not None:
        os.set_inheritable(fd, True)
        env["EVCXR_TMPDIR"] = str(slot)
        crate_at_start(env, slot)
    else:
        print(f"all {SLOTS} build folders in {builds} are in use: this kernel builds in a temporary folder",
              file=sys.stderr)
        crate_at_start(env, __import__("tempfile").mkdtemp(prefix="backprop-kernel-"))
    os.execve(program, args, env)


if __name__ == "__main__":
    main(sys.argv)
