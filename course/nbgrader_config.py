"""The nbgrader course of backprop: notebook 05 ("Your turn") as the assignment `your-turn`.

Run nbgrader from this folder with the project's environment (`make setup` installs nbgrader and
registers the `rust` kernel in .venv):

    cd course
    ../.venv/bin/nbgrader generate_assignment your-turn     # release/your-turn/, solutions out
    ../.venv/bin/nbgrader autograde your-turn --create      # every submission in submitted/
    ../.venv/bin/nbgrader generate_feedback your-turn       # feedback/STUDENT/your-turn/*.html

A course of its own keeps these lines and puts source/your-turn/ into its own source folder.
"""

import os
import pathlib

c = get_config()  # noqa: F821  (nbgrader defines it when it reads this file)

COURSE = pathlib.Path(__file__).resolve().parent

# The crate, wherever nbgrader runs a notebook (source/, release/, submitted/STUDENT/,
# autograded/STUDENT/, at different depths): the notebooks name no path; the kernel started from
# nbgrader (or from a Jupyter server that read this file) adds the crate this variable names as
# it starts. On a JupyterHub, set BACKPROP_CRATE in the kernel's environment instead.
os.environ.setdefault("BACKPROP_CRATE", str(COURSE.parent))

c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.course_id = "backprop"

# The notebooks are Rust: nbgrader has no stub for it. A solution region (between the comments
# `// BEGIN SOLUTION` and `// END SOLUTION`) follows the exercise's starting line, an answer
# that compiles and is wrong; in the released notebook, the stub stands in its place.
c.ClearSolutions.code_stub = {"rust": "// YOUR CODE HERE (or change the line above)"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
# A test cell shows the check's feedback; its hidden part (`.graded(1.0)`, between
# `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS`) makes the cell's value the points earned, 1
# or 0, which nbgrader takes as the cell's score (its partial credit), with the feedback, the
# mistake named, printed above it. Not an error: evcxr reports a Rust error's message on stderr,
# which may reach nbgrader after the cell is done and be lost, scoring a wrong answer right.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Each submission runs in a fresh `rust` kernel: the kernelspec of the source notebook, which
# nbgrader restores in every copy, names the kernel that `make setup` registers in .venv (found
# when nbgrader runs from .venv, as above). Its start builds the crate: seconds on a machine where
# the notebooks have run, a minute or more the first time, so the limits are evcxr's, not 30 s.
c.Execute.startup_timeout = 900
c.Execute.timeout = 900
c.Execute.interrupt_on_timeout = True


def _reply_with_its_error(execute):
    """nbgrader's Execute, for evcxr_jupyter (0.22): the kernel replies to a cell that failed
    with `status: error` alone and sends the error itself as the cell's `error` output, while
    nbgrader reads `ename` from the reply (a KeyError that stops the autograding of the whole
    submission). The reply is given its cell's error, so a failed cell is scored 0 and the rest
    of the submission goes on. Applied once, to the class, so that autograde and validate (which
    builds its Execute itself) both get it."""
    if getattr(execute, "_reply_with_its_error", False):
        return
    on_cell_executed = execute.on_cell_executed

    def filled(self, **kwargs):
        content = kwargs["execute_reply"]["content"]
        if content.get("status") == "error" and "ename" not in content:
            shown = [out for out in kwargs["cell"].get("outputs", []) if out.get("output_type") == "error"]
            content["ename"] = shown[-1].ename if shown else "Error"
            content["evalue"] = shown[-1].evalue if shown else "the kernel reported an error and showed none"
            content["traceback"] = shown[-1].traceback if shown else []
        return on_cell_executed(self, **kwargs)

    execute.on_cell_executed = filled
    execute._reply_with_its_error = True


from nbgrader.preprocessors import Execute  # noqa: E402

_reply_with_its_error(Execute)
