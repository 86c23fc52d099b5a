// The tests of how teams install pipegen: scripts/install-pipegen against a
// release server on this machine, and the action in action.yml that runs it.
package pipegen_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeVersion is the release the fake server publishes; its pipegen prints
// fakeOutput.
const (
	fakeVersion = "v9.9.9"
	fakeOutput  = "pipegen v9.9.9 go1.99 (fake)"
)

// fakePipegen is the executable inside the fake archives: a shell script
// that answers pipegen version.
var fakePipegen = []byte("#!/bin/sh\necho '" + fakeOutput + "'\n")

// release is the content of a fake GitHub release: file name → bytes.
type release map[string][]byte

// newRelease makes the archives of fakeVersion that GoReleaser would make
// (.goreleaser.yaml) for the given platforms ("linux_amd64", "windows_arm64"),
// and their checksums.txt.
func newRelease(t *testing.T, platforms ...string) release {
	t.Helper()
	r := release{}
	var sums strings.Builder
	for _, p := range platforms {
		name := "pipegen_" + strings.TrimPrefix(fakeVersion, "v") + "_" + p
		var b []byte
		if strings.HasPrefix(p, "windows_") {
			name += ".zip"
			b = zipOf(t, map[string][]byte{"pipegen.exe": fakePipegen, "README.md": []byte("# pipegen\n")})
		} else {
			name += ".tar.gz"
			b = tarGzOf(t, map[string][]byte{"pipegen": fakePipegen, "README.md": []byte("# pipegen\n")})
		}
		r[name] = b
		sum := sha256.Sum256(b)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	r["checksums.txt"] = []byte(sums.String())
	return r
}

func tarGzOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, b := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serve publishes r as the release fakeVersion on a server on this
// machine, laid out as GitHub's release downloads are (VERSION/FILE), and
// returns its base URL and a count of the requests it has answered.
func serve(t *testing.T, r release) (string, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		requests.Add(1)
		name, ok := strings.CutPrefix(req.URL.Path, "/"+fakeVersion+"/")
		b, found := r[name]
		if !ok || !found {
			http.NotFound(w, req)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &requests
}

// install runs scripts/install-pipegen with args, on the runner that
// runnerEnv names ("RUNNER_OS=Linux", …), with the releases at base.
func install(t *testing.T, base string, runnerEnv []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join("scripts", "install-pipegen"), args...)
	cmd.Env = append(os.Environ(), "PIPEGEN_DOWNLOAD_URL="+base, "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, runnerEnv...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run install-pipegen: %v", err)
	}
	return out.String(), errOut.String(), code
}

func needTools(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("install-pipegen is tested under bash on Linux and macOS")
	}
	for _, tool := range []string{"bash", "curl", "tar", "unzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("install-pipegen needs %s, which is not installed", tool)
		}
	}
}

// dirEmpty fails the test when the install folder holds anything.
func dirEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a failed install left %s in %s", e.Name(), dir)
	}
}

var linuxAMD64 = []string{"RUNNER_OS=Linux", "RUNNER_ARCH=X64"}

func TestInstallRelease(t *testing.T) {
	needTools(t)
	tests := []struct {
		runner []string
		bin    string
	}{
		{linuxAMD64, "pipegen"},
		{[]string{"RUNNER_OS=Linux", "RUNNER_ARCH=ARM64"}, "pipegen"},
		{[]string{"RUNNER_OS=macOS", "RUNNER_ARCH=ARM64"}, "pipegen"},
		{[]string{"RUNNER_OS=Windows", "RUNNER_ARCH=X64"}, "pipegen.exe"},
	}
	base, _ := serve(t, newRelease(t, "linux_amd64", "linux_arm64", "darwin_arm64", "windows_amd64"))
	for _, tt := range tests {
		t.Run(strings.Join(tt.runner, ","), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bin")
			stdout, stderr, code := install(t, base, tt.runner, fakeVersion, dir)
			if code != 0 {
				t.Fatalf("install-pipegen %s exited %d:\n%s", fakeVersion, code, stderr)
			}
			if strings.TrimSpace(stdout) != fakeOutput {
				t.Errorf("install-pipegen printed %q, want the installed pipegen's version %q", stdout, fakeOutput)
			}
			out, err := exec.Command(filepath.Join(dir, tt.bin), "version").Output()
			if err != nil {
				t.Fatalf("the installed %s does not run: %v", tt.bin, err)
			}
			if strings.TrimSpace(string(out)) != fakeOutput {
				t.Errorf("installed %s version = %q, want %q", tt.bin, out, fakeOutput)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the install folder holds %d files, want only %s", len(entries), tt.bin)
			}
		})
	}
}

// Installing again over an installed pipegen replaces it.
func TestInstallReplaces(t *testing.T) {
	needTools(t)
	base, _ := serve(t, newRelease(t, "linux_amd64"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pipegen"), []byte("#!/bin/sh\necho old\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := install(t, base, linuxAMD64, fakeVersion, dir); code != 0 {
		t.Fatalf("install-pipegen exited %d:\n%s", code, stderr)
	}
	out, err := exec.Command(filepath.Join(dir, "pipegen"), "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != fakeOutput {
		t.Errorf("after the install, pipegen version = %q, %v; want %q", out, err, fakeOutput)
	}
}

// Every failure says what went wrong, exits 1 and installs nothing.
func TestInstallFails(t *testing.T) {
	needTools(t)
	good := newRelease(t, "linux_amd64", "windows_amd64")
	asset := "pipegen_9.9.9_linux_amd64.tar.gz"

	tampered := newRelease(t, "linux_amd64")
	tampered[asset] = tarGzOf(t, map[string][]byte{"pipegen": []byte("#!/bin/sh\necho evil\n")})

	wrongSum := newRelease(t, "linux_amd64")
	wrongSum["checksums.txt"] = []byte(strings.Repeat("0", 64) + "  " + asset + "\n")

	unlisted := newRelease(t, "linux_amd64")
	unlisted["checksums.txt"] = []byte(strings.Repeat("0", 64) + "  pipegen_9.9.9_darwin_arm64.tar.gz\n")

	noChecksums := newRelease(t, "linux_amd64")
	delete(noChecksums, "checksums.txt")

	// A release whose archive holds no pipegen, listed with its checksum.
	empty := release{}
	emptyArchive := tarGzOf(t, map[string][]byte{"README.md": []byte("# pipegen\n")})
	empty[asset] = emptyArchive
	sum := sha256.Sum256(emptyArchive)
	empty["checksums.txt"] = []byte(hex.EncodeToString(sum[:]) + "  " + asset + "\n")

	tests := []struct {
		name    string
		release release
		runner  []string
		want    string // in stderr
	}{
		{"tampered archive", tampered, linuxAMD64, "checksum mismatch for " + asset},
		{"wrong checksum", wrongSum, linuxAMD64, "checksum mismatch for " + asset + ": checksums.txt says " + strings.Repeat("0", 64)},
		{"archive not in checksums.txt", unlisted, linuxAMD64, "checksums.txt of v9.9.9 lists no " + asset},
		{"no checksums.txt", noChecksums, linuxAMD64, "cannot download " + "BASE/v9.9.9/checksums.txt"},
		{"no archive for this machine", good, []string{"RUNNER_OS=Linux", "RUNNER_ARCH=ARM64"}, "cannot download BASE/v9.9.9/pipegen_9.9.9_linux_arm64.tar.gz"},
		{"no release", release{}, linuxAMD64, "cannot download BASE/v9.9.9/checksums.txt"},
		{"no pipegen in the archive", empty, linuxAMD64, "cannot take pipegen out of " + asset},
		{"unsupported machine", good, []string{"RUNNER_OS=Linux", "RUNNER_ARCH=X86"}, "pipegen releases are built for amd64 and arm64, not X86"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := serve(t, tt.release)
			dir := filepath.Join(t.TempDir(), "bin")
			_, stderr, code := install(t, base, tt.runner, fakeVersion, dir)
			if code != 1 {
				t.Errorf("install-pipegen exited %d, want 1", code)
			}
			want := strings.ReplaceAll(tt.want, "BASE", base)
			if !strings.Contains(stderr, "install-pipegen: error: "+want) {
				t.Errorf("stderr = %q, want it to say %q", stderr, want)
			}
			dirEmpty(t, dir)
		})
	}
}

// A version is used in URLs, file names and a go command line: anything
// but a release tag or a plain git ref is refused before any download.
func TestInstallRefusesHostileVersions(t *testing.T) {
	needTools(t)
	base, requests := serve(t, newRelease(t, "linux_amd64"))
	work := t.TempDir()
	for _, v := range []string{
		"../../x", "v1.2.3/../../x", "main/../../x", "/etc/passwd", "v1.2.3 x", "v1.2.3; touch pwned",
		"$(touch pwned)", "`touch pwned`", "main|sh", "v1.2.3\nx", "-rf", "", ".hidden",
		"main@v1", "feature//x", "x.lock", "a\\b", "v1.2.3?x=1", "v1.2.3#x", "ref~1", strings.Repeat("a", 101),
	} {
		dir := filepath.Join(work, "bin")
		_, stderr, code := install(t, base, linuxAMD64, v, dir)
		if code != 1 {
			t.Errorf("install-pipegen %q exited %d, want 1", v, code)
		}
		if !strings.Contains(stderr, "is neither a pipegen release nor a git ref") {
			t.Errorf("install-pipegen %q: stderr = %q, want it to refuse the version", v, stderr)
		}
		dirEmpty(t, dir)
	}
	if n := requests.Load(); n > 0 {
		t.Errorf("the server had %d requests for refused versions, want none", n)
	}
	if _, err := os.Stat("pwned"); err == nil {
		os.Remove("pwned")
		t.Errorf("a version ran a command")
	}
}

func TestInstallKind(t *testing.T) {
	needTools(t)
	tests := []struct{ version, want string }{
		{"v1.2.0", "release"},
		{"v1.3.0-rc.1", "release"},
		{"main", "source"},
		{"feature/faster-check", "source"},
		{"0123456789abcdef0123456789abcdef01234567", "source"},
		{"v0.0.0-20261127101500-0123456789ab", "source"}, // a pseudo-version: no release has it
		{"v1.2", "source"},                               // a branch could be named so
	}
	for _, tt := range tests {
		stdout, stderr, code := install(t, "", nil, "--kind", tt.version)
		if got := strings.TrimSpace(stdout); code != 0 || got != tt.want {
			t.Errorf("install-pipegen --kind %q = %q, exit %d (%s), want %q", tt.version, got, code, stderr, tt.want)
		}
	}
	for _, args := range [][]string{{}, {fakeVersion}, {"--kind"}, {"a", "b", "c"}} {
		if _, _, code := install(t, "", nil, args...); code != 2 {
			t.Errorf("install-pipegen %q exited %d, want 2", args, code)
		}
	}
}

// A git ref that has no release is built from source with go install:
// here from a module proxy in a folder, which serves a small stand-in for
// pipegen at the branch main.
func TestInstallFromSource(t *testing.T) {
	needTools(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("building from source needs Go, which is not on PATH")
	}
	const pseudo = "v0.0.0-20261127101500-0123456789ab"
	proxy := t.TempDir()
	at := filepath.Join(proxy, "github.com", "pipegen", "pipegen", "@v")
	info := []byte(`{"Version":"` + pseudo + `","Time":"2026-11-27T10:15:00Z"}`)
	goMod := []byte("module github.com/pipegen/pipegen\n\ngo 1.21\n")
	main := []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"pipegen built from source\") }\n")
	prefix := "github.com/pipegen/pipegen@" + pseudo + "/"
	files := map[string][]byte{
		filepath.Join(at, "list"):          nil,
		filepath.Join(at, "main.info"):     info,
		filepath.Join(at, pseudo+".info"):  info,
		filepath.Join(at, pseudo+".mod"):   goMod,
		filepath.Join(at, "..", "@latest"): info,
		filepath.Join(at, pseudo+".zip"):   zipOf(t, map[string][]byte{prefix + "go.mod": goMod, prefix + "cmd/pipegen/main.go": main}),
	}
	for name, b := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goEnv := []string{
		"GOPROXY=file://" + filepath.ToSlash(proxy), "GOSUMDB=off", "GOPRIVATE=", "GONOPROXY=", "GONOSUMDB=",
		"GOTOOLCHAIN=local", "GOFLAGS=-modcacherw", "GOMODCACHE=" + t.TempDir(),
	}

	dir := filepath.Join(t.TempDir(), "bin")
	stdout, stderr, code := install(t, "", goEnv, "main", dir)
	if code != 0 {
		t.Fatalf("install-pipegen main exited %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "main has no release; building it from source") {
		t.Errorf("stderr = %q, want it to say that main is built from source", stderr)
	}
	if strings.TrimSpace(stdout) != "pipegen built from source" {
		t.Errorf("install-pipegen main printed %q, want the built pipegen's output", stdout)
	}

	// Without Go, the same install says what is missing.
	for _, d := range []string{"/usr/bin", "/bin"} {
		if filepath.Dir(goBin) == d {
			t.Skipf("go is in %s, with the tools the script needs", d)
		}
	}
	dir = filepath.Join(t.TempDir(), "bin")
	_, stderr, code = install(t, "", []string{"PATH=/usr/bin:/bin"}, "main", dir)
	if code != 1 || !strings.Contains(stderr, "main is not a release, and building it from source needs Go, which is not installed") {
		t.Errorf("install-pipegen main without Go: exit %d, stderr %q; want exit 1 saying Go is needed", code, stderr)
	}
	dirEmpty(t, dir)
}
