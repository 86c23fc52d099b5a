package pipegen_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/pipegen/pipegen/internal/scaffold"
)

// action is the metadata of action.yml: every key GitHub reads from a
// composite action, and no other (the test decodes it strictly).
type action struct {
	Name        string                  `yaml:"name"`
	Description string                  `yaml:"description"`
	Author      string                  `yaml:"author"`
	Branding    map[string]string       `yaml:"branding"`
	Inputs      map[string]actionInput  `yaml:"inputs"`
	Outputs     map[string]actionOutput `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionInput struct {
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Default     *string `yaml:"default"`
}

type actionOutput struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	With             map[string]string `yaml:"with"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	Env              map[string]string `yaml:"env"`
	WorkingDirectory string            `yaml:"working-directory"`
	ContinueOnError  bool              `yaml:"continue-on-error"`
}

func readAction(t *testing.T) *action {
	t.Helper()
	b, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.UnmarshalWithOptions(b, &a, yaml.DisallowUnknownField()); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

var (
	expression  = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	inputRef    = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepRef     = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.`)
	pinned      = regexp.MustCompile(`^[\w-]+/[\w.-]+@v\d+$`)
	actionPath  = regexp.MustCompile(`\$GITHUB_ACTION_PATH/([\w./-]+)`)
	shellsKnown = []string{"bash", "sh", "pwsh", "powershell", "python", "cmd"}
)

// action.yml is what GitHub runs as a composite action, written so that
// its inputs cannot become code.
func TestActionMetadata(t *testing.T) {
	a := readAction(t)
	if a.Name == "" || a.Description == "" {
		t.Errorf("action.yml needs a name and a description, has %q and %q", a.Name, a.Description)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	if len(a.Runs.Steps) == 0 {
		t.Fatal("action.yml has no steps")
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	if v, ok := a.Inputs["version"]; !ok || !v.Required {
		t.Errorf("input version is missing or not required: an install is always pinned")
	}
	for name, out := range a.Outputs {
		if out.Description == "" || out.Value == "" {
			t.Errorf("output %s needs a description and a value", name)
		}
	}

	ids := map[string]bool{}
	for i, s := range a.Runs.Steps {
		where := s.Name
		if where == "" {
			where = "step " + string(rune('1'+i))
			t.Errorf("%s has no name", where)
		}
		switch {
		case (s.Uses == "") == (s.Run == ""):
			t.Errorf("%s: a step has either uses or run, has uses %q and run %q", where, s.Uses, s.Run)
		case s.Run != "" && !slices.Contains(shellsKnown, s.Shell):
			t.Errorf("%s: run needs a shell (one of %v) in a composite action, has %q", where, shellsKnown, s.Shell)
		case s.Uses != "" && !pinned.MatchString(s.Uses):
			t.Errorf("%s: uses %q, want an action pinned to its major version (owner/repo@vN)", where, s.Uses)
		}
		if expression.MatchString(s.Run) {
			t.Errorf("%s: run has an expression (${{ … }}); pass values through env, so that an input cannot become code", where)
		}
		fields := []string{s.If, s.Run}
		for _, v := range s.Env {
			fields = append(fields, v)
		}
		for _, v := range s.With {
			fields = append(fields, v)
		}
		for _, f := range fields {
			for _, m := range inputRef.FindAllStringSubmatch(f, -1) {
				if _, ok := a.Inputs[m[1]]; !ok {
					t.Errorf("%s reads inputs.%s, which action.yml does not declare", where, m[1])
				}
			}
			for _, m := range stepRef.FindAllStringSubmatch(f, -1) {
				if !ids[m[1]] {
					t.Errorf("%s reads steps.%s, which is not an earlier step", where, m[1])
				}
			}
		}
		for _, m := range actionPath.FindAllStringSubmatch(s.Run, -1) {
			info, err := os.Stat(filepath.FromSlash(m[1]))
			if err != nil || info.Mode()&0o111 == 0 {
				t.Errorf("%s runs %s, which is not an executable file of this repository", where, m[1])
			}
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
	for name, out := range a.Outputs {
		for _, m := range stepRef.FindAllStringSubmatch(out.Value, -1) {
			if !ids[m[1]] {
				t.Errorf("output %s reads steps.%s, which is no step", name, m[1])
			}
		}
	}
}

// runner plays the composite action's steps as GitHub's runner would, on
// this machine: the run steps for real, and the two actions it uses as
// their outcome (setup-go does nothing, the cache restores or not).
type runner struct {
	t        *testing.T
	inputs   map[string]string
	cacheHit bool
	tmp      string            // RUNNER_TEMP and RUNNER_TOOL_CACHE
	pathFile string            // GITHUB_PATH
	outputs  map[string]string // "steps.ID.outputs.NAME" → value
	ran      []string          // names of the steps run
}

func newRunner(t *testing.T, inputs map[string]string) *runner {
	t.Helper()
	tmp := t.TempDir()
	return &runner{t: t, inputs: inputs, tmp: tmp, pathFile: filepath.Join(tmp, "github_path"), outputs: map[string]string{}}
}

// value evaluates the few expressions that action.yml uses.
func (r *runner) value(expr string) string {
	r.t.Helper()
	switch {
	case strings.HasPrefix(expr, "inputs."):
		return r.inputs[strings.TrimPrefix(expr, "inputs.")]
	case strings.HasPrefix(expr, "steps."):
		return r.outputs[expr]
	case expr == "runner.os":
		return "Linux"
	case expr == "runner.arch":
		return "X64"
	}
	r.t.Fatalf("the test does not know the expression %q", expr)
	return ""
}

func (r *runner) expand(s string) string {
	return expression.ReplaceAllStringFunc(s, func(m string) string {
		return r.value(expression.FindStringSubmatch(m)[1])
	})
}

// condition evaluates an if: of the form "X == 'v'" or "X != 'v'".
func (r *runner) condition(cond string) bool {
	r.t.Helper()
	if cond == "" {
		return true
	}
	for _, op := range []string{"==", "!="} {
		if left, right, ok := strings.Cut(cond, " "+op+" "); ok {
			equal := r.value(strings.TrimSpace(left)) == strings.Trim(strings.TrimSpace(right), "'")
			return equal == (op == "==")
		}
	}
	r.t.Fatalf("the test does not know the condition %q", cond)
	return false
}

// run plays every step and returns the first failure of a run step.
func (r *runner) run(a *action) error {
	r.t.Helper()
	root, err := os.Getwd()
	if err != nil {
		r.t.Fatal(err)
	}
	for _, s := range a.Runs.Steps {
		if !r.condition(s.If) {
			continue
		}
		r.ran = append(r.ran, s.Name)
		switch {
		case strings.HasPrefix(s.Uses, "actions/cache@"):
			if r.cacheHit {
				r.outputs["steps."+s.ID+".outputs.cache-hit"] = "true"
			}
			continue
		case s.Uses != "":
			continue
		}
		output := filepath.Join(r.tmp, "github_output")
		os.Remove(output)
		script := filepath.Join(r.tmp, "step.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			r.t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Env = append(os.Environ(),
			"GITHUB_ACTION_PATH="+root, "GITHUB_OUTPUT="+output, "GITHUB_PATH="+r.pathFile,
			"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TEMP="+r.tmp, "RUNNER_TOOL_CACHE="+r.tmp, "TMPDIR="+r.tmp)
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+r.expand(v))
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return &stepError{step: s.Name, err: err, stderr: stderr.String()}
		}
		if b, err := os.ReadFile(output); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(b))
			for sc.Scan() {
				if k, v, ok := strings.Cut(sc.Text(), "="); ok {
					r.outputs["steps."+s.ID+".outputs."+k] = v
				}
			}
		}
	}
	return nil
}

type stepError struct {
	step, stderr string
	err          error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() + "\n" + e.stderr }

// The action installs a release, puts it on PATH and, from the cache, does
// not download it again.
func TestActionInstallsRelease(t *testing.T) {
	needTools(t)
	a := readAction(t)
	base, requests := serve(t, newRelease(t, "linux_amd64"))
	inputs := map[string]string{"version": fakeVersion, "download-url": base}

	r := newRunner(t, inputs)
	if err := r.run(a); err != nil {
		t.Fatal(err)
	}
	dir := r.expand(a.Outputs["path"].Value)
	if want := filepath.Join(r.tmp, "pipegen", fakeVersion, "X64"); dir != want {
		t.Errorf("the action installed into %q, want the tool cache's %q", dir, want)
	}
	if b, _ := os.ReadFile(r.pathFile); strings.TrimSpace(string(b)) != dir {
		t.Errorf("GITHUB_PATH = %q, want %q", b, dir)
	}
	out, err := exec.Command(filepath.Join(dir, "pipegen"), "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != fakeOutput {
		t.Errorf("the installed pipegen version = %q, %v; want %q", out, err, fakeOutput)
	}
	if !slices.Contains(r.ran, "Restore pipegen from the cache") || slices.Contains(r.ran, "Set up Go to build pipegen from source") {
		t.Errorf("steps run for a release: %q; want the cache and no Go", r.ran)
	}

	// The next run of the job restores the folder from the cache.
	before := requests.Load()
	cached := newRunner(t, inputs)
	cached.tmp = r.tmp
	cached.cacheHit = true
	if err := cached.run(a); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load() - before; n > 0 || slices.Contains(cached.ran, "Install pipegen") {
		t.Errorf("with the cache restored the action made %d downloads and ran %q, want none and no install", n, cached.ran)
	}
}

// A ref without a release is built with Go; a hostile version stops the
// action at its first step.
func TestActionPlans(t *testing.T) {
	needTools(t)
	a := readAction(t)
	a.Runs.Steps = a.Runs.Steps[:1]
	r := newRunner(t, map[string]string{"version": "main"})
	if err := r.run(a); err != nil {
		t.Fatal(err)
	}
	if got := r.outputs["steps.plan.outputs.kind"]; got != "source" {
		t.Errorf("kind of main = %q, want source", got)
	}

	r = newRunner(t, map[string]string{"version": "v1.2.3; touch pwned"})
	err := r.run(a)
	if err == nil || !strings.Contains(err.Error(), "is neither a pipegen release nor a git ref") {
		t.Errorf("a hostile version: %v; want the plan to fail and say why", err)
	}
}

// The workflows that pipegen init writes give the pipegen/pipegen action
// the inputs it declares, and the version of the action they use.
func TestScaffoldWorkflowsUseTheAction(t *testing.T) {
	a := readAction(t)
	dir := t.TempDir()
	if _, err := scaffold.Write(dir, scaffold.Options{}); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, ".github", "workflows", "*.yml"))
	if len(paths) == 0 {
		t.Fatal("the scaffold has no workflows")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Jobs map[string]struct {
				Steps []actionStep `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(b, &wf); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		uses := 0
		for job, j := range wf.Jobs {
			for _, s := range j.Steps {
				ref, ok := strings.CutPrefix(s.Uses, "pipegen/pipegen@")
				if !ok {
					continue
				}
				uses++
				where := filepath.Base(p) + " job " + job
				if ref != scaffold.Release || s.With["version"] != ref {
					t.Errorf("%s: uses pipegen/pipegen@%s with version %q, want both %s", where, ref, s.With["version"], scaffold.Release)
				}
				for k := range s.With {
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("%s: input %q is not an input of action.yml", where, k)
					}
				}
				for k, in := range a.Inputs {
					if _, ok := s.With[k]; in.Required && !ok {
						t.Errorf("%s: the required input %q is missing", where, k)
					}
				}
			}
		}
		if uses != 1 {
			t.Errorf("%s installs pipegen with the action %d times, want once", filepath.Base(p), uses)
		}
	}
}

// .goreleaser.yaml makes the files that scripts/install-pipegen downloads,
// and stamps the version that pipegen version prints.
func TestGoReleaserMakesWhatTheActionInstalls(t *testing.T) {
	b, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Builds []struct {
			Main    string   `yaml:"main"`
			Binary  string   `yaml:"binary"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []struct {
			NameTemplate    string   `yaml:"name_template"`
			Formats         []string `yaml:"formats"`
			FormatOverrides []struct {
				Goos    string   `yaml:"goos"`
				Formats []string `yaml:"formats"`
			} `yaml:"format_overrides"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Builds) != 1 || len(cfg.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml has %d builds and %d archives, want one of each", len(cfg.Builds), len(cfg.Archives))
	}
	build, archive := cfg.Builds[0], cfg.Archives[0]
	if build.Main != "./cmd/pipegen" || build.Binary != "pipegen" {
		t.Errorf("build of %q as %q, want ./cmd/pipegen as pipegen", build.Main, build.Binary)
	}
	if !slices.Equal(build.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(build.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("builds for %v on %v, want linux, darwin, windows on amd64, arm64", build.Goos, build.Goarch)
	}
	if !strings.Contains(strings.Join(build.Ldflags, " "), "-X main.version={{ .Tag }}") {
		t.Errorf("ldflags %q do not stamp main.version with the tag", build.Ldflags)
	}
	// install-pipegen asks for pipegen_1.2.0_linux_amd64.tar.gz and
	// pipegen_1.2.0_windows_amd64.zip, and checks them in checksums.txt.
	if archive.NameTemplate != "pipegen_{{ .Version }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("archives are named %q, not as install-pipegen asks for them", archive.NameTemplate)
	}
	if !slices.Equal(archive.Formats, []string{"tar.gz"}) || len(archive.FormatOverrides) != 1 ||
		archive.FormatOverrides[0].Goos != "windows" || !slices.Equal(archive.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive formats %v, overrides %+v; want tar.gz, and zip on windows", archive.Formats, archive.FormatOverrides)
	}
	if cfg.Checksum.NameTemplate != "checksums.txt" || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("checksums in %q with %q, want checksums.txt with sha256", cfg.Checksum.NameTemplate, cfg.Checksum.Algorithm)
	}
}

// The release scripts, and the scripts of action.yml's steps, pass
// shellcheck. CI installs it (scripts/test); elsewhere the test is skipped
// without it.
func TestScriptsPassShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("shellcheck is not installed; scripts/test installs it in CI")
		}
		t.Skip("shellcheck is not installed")
	}
	files := []string{"scripts/install-pipegen", "scripts/goreleaser"}
	for i, s := range readAction(t).Runs.Steps {
		if s.Run == "" {
			continue
		}
		f := filepath.Join(t.TempDir(), "action-step-"+string(rune('1'+i))+".sh")
		if err := os.WriteFile(f, []byte("#!/usr/bin/env "+s.Shell+"\n# action.yml: "+s.Name+"\n"+s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if out, err := exec.Command(shellcheck, files...).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
