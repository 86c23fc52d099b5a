package site

import (
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownSafety(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		mustNot []string
	}{
		{"[call recap](https://docs.example/recap) and [mail](mailto:a@b.example)",
			[]string{`<a href="https://docs.example/recap">call recap</a>`, `<a href="mailto:a@b.example">mail</a>`}, nil},
		{"[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) [z](data:text/html,hi) [w](ftp://files.example/) [v](relative.html) [u](vbscript:x)",
			[]string{"x", "y", "z", "w", "v", "u"}, []string{"href=", "javascript", "data:", "ftp:"}},
		{"![pixel](https://tracker.example/p.png) ![bad](javascript:alert(1))",
			[]string{`<img src="https://tracker.example/p.png" alt="pixel">`, "bad"}, []string{"javascript"}},
		{"<script>alert(1)</script><img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">a</a>",
			nil, []string{"<script", "onerror", "<img src=x", "javascript"}},
		{"see www.example.com and https://example.com/x and mail me@example.com",
			[]string{`<a href="http://www.example.com">www.example.com</a>`, `<a href="https://example.com/x">`, `<a href="mailto:me@example.com">`}, nil},
		{"- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~", []string{"<table>", "checked", "<del>old</del>"}, nil},
	}
	for _, tt := range tests {
		checkMarkdown(t, tt.in, tt.want, tt.mustNot)
	}
}

// checkMarkdown renders in and reports each of want that the HTML lacks
// and each of mustNot that it holds.
func checkMarkdown(t *testing.T, in string, want, mustNot []string) {
	t.Helper()
	got, err := markdown(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(got), w) {
			t.Errorf("markdown(%q) = %s\nlacks %s", in, got, w)
		}
	}
	for _, w := range mustNot {
		if strings.Contains(string(got), w) {
			t.Errorf("markdown(%q) = %s\ncontains %s", in, got, w)
		}
	}
}

// Long or pathological notes render quickly and are cut to MaxMarkdown.
func TestMarkdownLimits(t *testing.T) {
	long := strings.Repeat("[", 200000) + strings.Repeat("a ", 100000)
	got, err := markdown(long)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 4*MaxMarkdown || !strings.Contains(string(got), "longer than pipegen shows") {
		t.Errorf("a %d-byte note rendered to %d bytes", len(long), len(got))
	}
}

var urlAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

func FuzzMarkdown(f *testing.F) {
	f.Add("**bold** [x](https://a.example) <script>x</script>")
	f.Add("[x](javascript:alert(1))")
	f.Fuzz(func(t *testing.T, src string) {
		out, err := markdown(src)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ToLower(string(out))
		if strings.Contains(s, "<script") || strings.Contains(s, "<iframe") || eventAttr.MatchString(s) {
			t.Fatalf("markdown(%q) = %s: markup from the note", src, out)
		}
		for _, m := range urlAttr.FindAllStringSubmatch(s, -1) {
			if !allowedURL(m[1]) {
				t.Fatalf("markdown(%q) = %s: link to %s", src, out, m[1])
			}
		}
	})
}
