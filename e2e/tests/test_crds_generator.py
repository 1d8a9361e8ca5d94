"""crds/generate.py: --check finds a stale file, --group makes the CRDs for another API
group (or a Helm template), and those CRDs are valid on the API server.
"""
import os
import subprocess
import sys
import tempfile

from crd_samples import CRD_DIR, GENERATOR, GROUP, PLURALS


def run_generator(*args):
    return subprocess.run([sys.executable, GENERATOR, *args], capture_output=True, text=True, timeout=60)


def test_generator_check_passes_on_committed_files():
    res = run_generator("--check")
    assert res.returncode == 0, res.stderr


def test_generator_check_names_a_stale_file():
    with tempfile.TemporaryDirectory() as d:
        assert run_generator("--out", d).returncode == 0
        assert sorted(os.listdir(d)) == sorted(f"{p}.yaml" for p in PLURALS)
        assert run_generator("--check", "--out", d).returncode == 0
        with open(os.path.join(d, "analysisruns.yaml"), "a", encoding="utf-8") as f:
            f.write("# edited by hand\n")
        res = run_generator("--check", "--out", d)
        assert res.returncode == 1
        assert "analysisruns.yaml" in res.stderr and "rollouts.yaml" not in res.stderr, res.stderr


def test_generator_group_is_a_parameter():
    with tempfile.TemporaryDirectory() as d:
        assert run_generator("--group", "example.com", "--out", d).returncode == 0
        text = open(os.path.join(d, "rollouts.yaml"), encoding="utf-8").read()
        assert "name: rollouts.example.com" in text and "group: example.com" in text
        assert "serin.io" not in "".join(open(os.path.join(d, f"{p}.yaml"), encoding="utf-8").read()
                                         for p in PLURALS)
        helm = "{{ .Values.apiGroup }}"
        assert run_generator("--group", helm, "--out", d).returncode == 0
        assert f"group: \"{helm}\"" in open(os.path.join(d, "rollouts.yaml"), encoding="utf-8").read()
    res = run_generator("--group", "Not A Group", "--check")
    assert res.returncode != 0 and "--group" in res.stderr


def test_crds_for_another_group_are_valid(env):
    """The same generator with another --group makes CRDs the API server accepts, differing
    from the committed ones only in the group. (A server-side dry run: really installing a
    second group that defines "rollouts" would make plain `kubectl get rollouts` ambiguous for
    every later test, and kubectl's discovery cache would remember it after deletion.)"""
    group = "rollouts-e2e.example.com"
    with tempfile.TemporaryDirectory() as d:
        res = run_generator("--group", group, "--out", d)
        assert res.returncode == 0, res.stderr
        res = env.kubectl("apply", "--server-side", "--dry-run=server", "-f", d)
        assert res.stdout.count("serverside-applied (server dry run)") == len(PLURALS), res.stdout
        for p in PLURALS:
            with open(os.path.join(d, f"{p}.yaml"), encoding="utf-8") as f:
                other = f.read()
            with open(os.path.join(CRD_DIR, f"{p}.yaml"), encoding="utf-8") as f:
                ours = f.read()
            assert f"name: {p}.{group}\n" in other and f"group: {group}\n" in other
            assert other.replace(group, GROUP) == ours, p
