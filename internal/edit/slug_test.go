package edit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Northwind — analytics suite, 120 seats": "northwind-analytics-suite-120-seats",
		"Nörthwind Trädërs & Co.":                "northwind-traders-and-co",
		"  ---  ":                                "deal",
		"日本":                                     "deal",
		"Acme/../../etc":                         "acme-etc",
		"/etc/passwd":                            "etc-passwd",
		"..":                                     "deal",
		"CON":                                    "con-deal",
		"nul.":                                   "nul-deal",
		"Lpt1":                                   "lpt1-deal",
		"Console":                                "console",
		strings.Repeat("abc ", 40):               strings.TrimSuffix(strings.Repeat("abc-", 15), "-"),
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCreateAndReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "deals", "a.yaml")
	if err := Create(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Create(p, []byte("two")); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Create over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("the existing file changed: %q", b)
	}
	os.Chmod(p, 0o600)
	if err := Replace(p, []byte("three")); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "three" || info.Mode().Perm() != 0o600 {
		t.Errorf("after Replace: %q, mode %v", b, info.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %d entries", len(entries))
	}
	if err := Replace(filepath.Join(dir, "missing.yaml"), []byte("x")); err == nil {
		t.Errorf("Replace of a missing file: no error")
	}
}
