package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every diagnostic code that the loader and the checker can emit has its
// own "### code" section in docs/reference.md, so a user can look it up;
// and the docs name no code that no longer exists.
func TestEveryCodeIsDocumented(t *testing.T) {
	codePattern := regexp.MustCompile(`"([a-z]+(?:-[a-z]+)+)"`)
	codes := map[string]bool{}
	for _, dir := range []string{"../../internal/load", "../../internal/check", "../../internal/schema"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range codePattern.FindAllStringSubmatch(string(src), -1) {
				codes[m[1]] = true
			}
		}
	}
	if len(codes) < 30 {
		t.Fatalf("found only %d codes in the source: the scan is broken", len(codes))
	}
	doc, err := os.ReadFile("../../docs/reference.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^### ([a-z]+(?:-[a-z]+)+)\s*$`).FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for c := range codes {
		if !documented[c] {
			t.Errorf("code %q has no \"### %s\" section in docs/reference.md", c, c)
		}
	}
	for c := range documented {
		if !codes[c] {
			t.Errorf("docs/reference.md documents %q, which the code never emits", c)
		}
	}
}
