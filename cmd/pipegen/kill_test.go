package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// treeSum fingerprints every file of a folder, leaving out hidden ones.
func treeSum(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() || strings.HasPrefix(info.Name(), ".") {
			return nil
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		sums[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A build killed with SIGKILL at any moment leaves the previous site
// complete and readable: the output is either the old site or the new one,
// never a mix or a half.
func TestKilledBuildLeavesSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pipegen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	site := filepath.Join(work, "site")
	build := func(asOf string) *exec.Cmd {
		return exec.Command(bin, "build", "--dir", "../..", "--out", site, "--as-of", asOf)
	}
	if out, err := build("2026-11-20").CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	old := treeSum(t, site)
	ref := filepath.Join(work, "ref")
	if out, err := exec.Command(bin, "build", "--dir", "../..", "--out", ref, "--as-of", "2026-11-27").CombinedOutput(); err != nil {
		t.Fatalf("reference build: %v\n%s", err, out)
	}
	newer := treeSum(t, ref)
	if sameTree(old, newer) {
		t.Fatal("the two builds are the same: the test would prove nothing")
	}
	for _, delay := range []time.Duration{0, 2 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 60 * time.Millisecond, 120 * time.Millisecond, 250 * time.Millisecond} {
		cmd := build("2026-11-27")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		now := treeSum(t, site)
		switch {
		case sameTree(now, old):
		case sameTree(now, newer):
			old = newer // the build finished before the kill
		default:
			t.Fatalf("killed after %s: the site is neither the old one nor the new one (%d files)", delay, len(now))
		}
		if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
			t.Fatalf("killed after %s: %v", delay, err)
		}
	}
}
