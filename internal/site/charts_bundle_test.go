package site

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pipegen/pipegen/templates"
)

// The charting library the binary embeds is what scripts/build-charts
// builds from the pinned npm packages (package-lock.json): rebuilding it
// gives the same bytes, licences included, and the site ships them beside
// it.
func TestChartsBundleIsReproducible(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules/.bin/esbuild")); err != nil {
		t.Skip("the npm packages are not installed (npm ci): cannot rebuild the charting library")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, "scripts/build-charts"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build-charts: %v\n%s", err, b)
	}
	for _, name := range []string{"echarts.min.js"} {
		built, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		embedded, err := templates.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, embedded) {
			t.Errorf("templates/%s is not what scripts/build-charts builds (%d bytes, embedded %d): run scripts/build-charts and commit the result", name, len(built), len(embedded))
		}
	}
	lic, ok := Asset("assets/" + chartsLicence)
	for _, want := range []string{"echarts 5.6.0", "Apache License", "zrender", "tslib"} {
		if !ok || !bytes.Contains(lic, []byte(want)) {
			t.Errorf("%s lacks %q", chartsLicence, want)
		}
	}
	// What the pages call is there.
	if lib, _ := templates.FS.ReadFile("echarts.min.js"); !bytes.Contains(lib, []byte("var echarts=")) {
		t.Errorf("the bundle does not define the global echarts")
	}
}

// The JavaScript a page loads — the charting library as the site writes
// it, and app.js — stays within the dashboard's budget of 450 KB before
// compression: the library's file carries the code and a line naming its
// licences' file, not their text.
func TestJavaScriptBudget(t *testing.T) {
	const budget = 450_000
	total := 0
	for _, name := range []string{"assets/" + chartsLibrary, "assets/app.js"} {
		b, ok := Asset(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		total += len(b)
	}
	if total > budget {
		t.Errorf("the pages load %d bytes of JavaScript, over the budget of %d", total, budget)
	}
	lib, _ := Asset("assets/" + chartsLibrary)
	if bytes.Contains(lib, []byte("Apache License")) || !bytes.Contains(lib[:200], []byte(chartsLicence)) {
		t.Errorf("the library's file should name %s and not carry the licences' text: %.200q", chartsLicence, lib)
	}
	if !bytes.Contains(lib, []byte("var echarts=")) {
		t.Errorf("the library's file lost its code")
	}
	t.Logf("%d bytes of JavaScript", total)
}
