"""localstripe (the Stripe emulator `make run` starts) with its state in a file of our choosing.

localstripe itself keeps every object it makes in /tmp/localstripe.pickle: one file for every
localstripe on the machine (the test suite's too, which starts from scratch and overwrites it),
rewritten in place on every change, so a kill at the wrong moment leaves half a file that it
then cannot load. Here the state is the file --state names (run_dev.py: var/localstripe/, which
git ignores), and each change is written to a file beside it that then replaces it, so the file
always holds a whole state. The other arguments are localstripe's own (--port, --from-scratch).

    .venv/bin/python scripts/stripe_emulator.py --port 8420 --state var/localstripe/state.pickle
"""

import argparse
import os
import pickle
import sys
from pathlib import Path

from localstripe import resources, server


def state_file_use(state: Path) -> None:
    """Make localstripe's store load from and save to `state` (its two methods for that)."""

    def load(store) -> None:
        try:
            with state.open("rb") as file:
                saved = pickle.load(file)
        except FileNotFoundError:
            return
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
            kept = state.with_name(state.name + ".unreadable")
            os.replace(state, kept)
            print(f"localstripe state {state} could not be read ({error!r}); kept as {kept}, starting empty",
                  file=sys.stderr)
            return
        store.clear()
        store.update(saved)

    def dump(store) -> None:
        partial = state.with_name(state.name + ".partial")
        with partial.open("wb") as file:
            pickle.dump(dict(store), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, state)

    resources.Store.try_load_from_disk = load
    resources.Store.dump_to_disk = dump


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, required=True, help="the file that keeps what the emulator made")
    args, localstripe_args = parser.parse_known_args()
    args.state.parent.mkdir(parents=True, exist_ok=True)
    state_file_use(args.state.resolve())
    sys.argv = [sys.argv[0], *localstripe_args]
    server.start()


if __name__ == "__main__":
    main()
