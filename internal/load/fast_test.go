package load

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/model"
)

// sameAsGoYAML fails the test when a file read through the fast path gives
// a different deal or pipeline, or different diagnostics, than read through
// go-yaml's parser. It reports whether the fast path took the file.
func sameAsGoYAML(t *testing.T, name string, src []byte) bool {
	t.Helper()
	_, fast := fastParse(src)
	if name == PipelineFile || strings.HasSuffix(name, "/"+PipelineFile) {
		got, gotDiags := parsePipeline(&decoder{file: name}, src)
		want, wantDiags := parsePipeline(&decoder{file: name, goYAMLOnly: true}, src)
		// The unexported fields are an index derived from the exported ones.
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(model.Pipeline{})); diff != "" {
			t.Errorf("%s: pipeline differs from go-yaml's (-go-yaml +fast):\n%s\n--- source ---\n%s", name, diff, src)
		}
		if diff := cmp.Diff(wantDiags, gotDiags); diff != "" {
			t.Errorf("%s: diagnostics differ from go-yaml's (-go-yaml +fast):\n%s\n--- source ---\n%s", name, diff, src)
		}
		return fast
	}
	got, gotDiags := parseDeal(&decoder{file: name}, "d", src)
	want, wantDiags := parseDeal(&decoder{file: name, goYAMLOnly: true}, "d", src)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: deal differs from go-yaml's (-go-yaml +fast):\n%s\n--- source ---\n%s", name, diff, src)
	}
	if diff := cmp.Diff(wantDiags, gotDiags); diff != "" {
		t.Errorf("%s: diagnostics differ from go-yaml's (-go-yaml +fast):\n%s\n--- source ---\n%s", name, diff, src)
	}
	return fast
}

// TestFastPathTakesUsualFiles checks that the deals of the demo repository
// and of generated pipelines — the usual shape of files — all take the fast
// path, and that the result is go-yaml's.
func TestFastPathTakesUsualFiles(t *testing.T) {
	files := map[string][]byte{}
	root := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(root, PipelineFile))
	if err != nil {
		t.Fatal(err)
	}
	files["demo/"+PipelineFile] = src
	demo, _, err := DealFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range demo {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		files["demo/"+rel] = src
	}
	end, _ := model.ParseDate("2026-11-27")
	opt := gen.Options{Seed: 7, Deals: 400, End: end, Months: 24}
	files["gen/"+PipelineFile] = gen.Pipeline(opt)
	for rel, src := range gen.Deals(opt) {
		files["gen/"+rel] = src
	}
	if len(files) < 400 {
		t.Fatalf("only %d files", len(files))
	}
	for _, name := range sortedKeys(files) {
		// pipeline.yaml is one file, often with nested flow lists: it may
		// take either path.
		if !sameAsGoYAML(t, name, files[name]) && !strings.HasSuffix(name, PipelineFile) {
			t.Errorf("%s did not take the fast path:\n%s", name, files[name])
		}
	}
}

// TestFastPathMatchesGoYAML runs both parsers over unusual and broken
// files: the broken-repository corpus, the hostile pipeline, and edge
// cases of the shapes the fast path reads.
func TestFastPathMatchesGoYAML(t *testing.T) {
	files := map[string][]byte{}
	corpus, err := filepath.Glob(filepath.Join("..", "..", "cmd", "pipegen", "testdata", "*", "*.txtar"))
	if err != nil || len(corpus) < 40 {
		t.Fatalf("corpus: %d files, %v", len(corpus), err)
	}
	for _, path := range corpus {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".yaml") || strings.HasSuffix(f.Name, ".yml") {
				files[filepath.Base(path)+":"+f.Name] = f.Data
			}
		}
	}
	for name, src := range gen.Hostile() {
		files["hostile:"+name] = []byte(src)
	}
	for i, src := range fastEdgeCases {
		files["edge:"+string(rune('a'+i/26))+string(rune('a'+i%26))+".yaml"] = []byte(src)
	}
	taken := 0
	for _, name := range sortedKeys(files) {
		if sameAsGoYAML(t, name, files[name]) {
			taken++
		}
	}
	t.Logf("fast path took %d of %d files", taken, len(files))
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fastEdgeCases are inputs at the borders of what the fast path reads.
var fastEdgeCases = []string{
	"title: Acme, Inc. [EMEA] {big}\nowner: 0123\nvalue: 1_000\n",
	"title: Deal #5 # a comment\nvalue: 12.50 # cents\nowner: ann#1\n",
	"title: 'single'\nowner: \"double\"\ncompany: \"\"\nsource: ''\n",
	"title: 'it''s'\n",
	"title: \"a \\\"quoted\\\" word\"\n",
	"title: \"unclosed\n",
	"title: a\n  continued\nowner: b\n",
	"title: a: b\n",
	"title:a\n",
	"title: x\ntitle: y\n",
	"title: x\n owner: y\n",
	"title: ~\nowner: null\nvalue: .inf\ncompany: .nan\nsource: true\n",
	"value: 0x1F\nexpected_close: 2026-02-30\n",
	"value: -5\nowner: -\n",
	"value: 1e3\n",
	"history:\n- stage: lead\n  date: 2026-01-02\n- {stage: won, date: 2026-01-05}\n",
	"history:\n  - stage: lead\n    date: 2026-01-02\n  -\n    stage: won\n",
	"history:\n  - stage: lead\n    date: 2026-01-02\n      extra: 1\n",
	"history:\n  - {stage: lead, date: 2026-01-02,}\n",
	"history:\n  - {stage: lead, date: 2026-01-02\n     , reason: x}\n",
	"history:\n  - {stage: lead, stage: won}\n",
	"history:\n  - {stage: lead, date: [2026]}\n",
	"history:\n  - {}\n  - []\n  - [lead, won]\n",
	"history: []\ncontacts: {}\n",
	"history:\n  - lead\n  - 'won'\n  - \"lost\"\n",
	"history:\n  - - lead\n    - won\n",
	"history:\n  # a comment\n  - stage: lead # why\n    # more\n    date: 2026-01-02\n\n\n  - stage: won\n    date: 2026-01-03\n",
	"contacts:\n  - name: Ana Lópes — CFO\n    email: ana@x.example\n    role: {a: é, b: ü}\n",
	"title: «Éclair» 日本\nowner: {x: 日本, y: ñ}\n",
	"notes: |\n  line one\n\n  line three\n    indented\n\n\nowner: x\n",
	"notes: |-\n  no newline at the end\n  second\nowner: x\n",
	"notes: |\n  a\n   \n  b\n",
	"notes: |\n  a\n      \n  b\n",
	"notes: |\n\n  leading blank\n",
	"notes: |\n    four\n  two\n",
	"notes: |\n  a\n # less indented comment\n  b\n",
	"notes: |\n# comment at zero\n",
	"notes: |\nnot indented\n",
	"notes: |\n  # a markdown heading\n  text: with colon\n  - a list\n  {not: flow}\n",
	"notes: |+\n  keep\n\n",
	"notes: >\n  folded\n  text\n",
	"notes: |2\n  indicator\n",
	"notes: | # comment\n  a\n",
	"notes: |",
	"notes: |\n  no final newline",
	"history:\n  - |\n    a literal entry\n  - b\n",
	"title: x\n---\ntitle: y\n",
	"--- \ntitle: x\n",
	"%YAML 1.2\n---\ntitle: x\n",
	"title: &a x\nowner: *a\n",
	"title: !!str 12\n",
	"? title\n: x\n",
	"<<: {title: x}\n",
	"title: x\n...\n",
	"- a\n- b\n",
	"just text\n",
	"# only a comment\n",
	"\n\n",
	"title: x\r\nowner: y\r\n",
	"title: a\tb\n",
	"title: a\u2028b\n",
	"title: a\u0085b\n",
	"title: \ufeffx\n",
	"  title: indented\n",
	"title: x\n\n  \nowner: y\n",
	"title: x   \nowner: y  # c  \n",
	"title: x\n#comment\n  # deeper comment\nowner: y\n",
	"true: x\nnull: y\n1: z\n",
	"title-x: 1\ntitle_y: 2\n",
	"emails:\n  sent: 10\n  opened: 012\n",
	"emails: {sent: 10, opened: 3}\n",
	"title: x #\n",
	"title: x#y\n",
	"title: 'x' # c\n",
	"title: 'x'y\n",
	"title: \"x\"#c\n",
	"title: [a, b] # c\n",
	"title: [a, b]x\n",
	"title: {a: b}\n",
	"title: [a b, 'c d', \"e\"]\n",
	"title: [a: b]\n",
	"title: [a, http://x]\n",
	"title: http://example.com/a#b\n",
	"title: a - b\nowner: -x\n",
	"title: x\nhistory:\n  - stage: lead\n    date: 2026-01-02\n  - stage: won\n    date: 2026-01-05\n    reason: x\n  notes: bad\n",
	"history:\n  - stage: lead\n  date: 2026-01-02\n",
	"contacts:\n  -   name: wide\n      email: w@x.example\n",
	"contacts:\n  - name: a\n   email: b\n",
	"title:\nowner:\nvalue:\nhistory:\n",
	"title:    \n  x\n",
	"history:\n  - stage: lead\n    date:\n",
	"a:\n  b:\n    c:\n      d: 1\n",
	"history:\n  - {stage: lé, date: 2026-13-45}\n",
	"history:\n  - {stage: '日本', date: 2026-13-45, reason: [x]}\n",
	"contacts:\n  - {name: Zoë, email: zoe, role: {a: b}}\n",
	"sources: [ö, [x]]\n",
	"history:\n- stage: lea\n  A000: 0000000000\n#0000\n",
	"history:\n- stage: lea \n  date: 2026-01-02\n",
	"history:\n  - stage: lea \n    date: 2026-01-02\n",
	"title: x \nowner: y\n",
}

// FuzzFastPath feeds both parsers the same file: what the fast path
// builds must be go-yaml's tree, as the decoder reads it.
func FuzzFastPath(f *testing.F) {
	for _, s := range fastEdgeCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(dealSrc))
	f.Add([]byte(pipelineSrc))
	f.Fuzz(func(t *testing.T, src []byte) {
		sameAsGoYAML(t, "deals/d.yaml", src)
		sameAsGoYAML(t, PipelineFile, src)
	})
}
