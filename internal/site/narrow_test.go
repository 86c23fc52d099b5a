package site

import "testing"

func TestNowrap(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"this review (2026-11-21 … 2026-11-27)", `this review (<span class="nowrap">2026-11-21</span> … <span class="nowrap">2026-11-27</span>)`},
		{"2026-Q4 and 2026-11", `<span class="nowrap">2026-Q4</span> and <span class="nowrap">2026-11</span>`},
		{"<b>2026-12-01</b> & co", `&lt;b&gt;<span class="nowrap">2026-12-01</span>&lt;/b&gt; &amp; co`},
		// Not a date: part of a longer number, a word, or a quarter 5.
		{"12026-11-27 2026-11-27x v2026-11 2026-Q5 2026-1", "12026-11-27 2026-11-27x v2026-11 2026-Q5 2026-1"},
		{"no dates", "no dates"},
		{42, "42"},
	}
	for _, tt := range tests {
		if got := string(nowrap(tt.in)); got != tt.want {
			t.Errorf("nowrap(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// In Markdown (notes, guides, the definitions page) dates stay whole, but
// not in code, and a table scrolls in a region named after the heading
// above it.
func TestMarkdownForNarrowScreens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Call on 2026-12-03,\nthen *sign by 2026-12-20*.", []string{
			`Call on <span class="nowrap">2026-12-03</span>,` + "\n" + `then <em>sign by <span class="nowrap">2026-12-20</span></em>.`}},
		{"Run `pipegen build --as-of 2026-09-30` and see [2026-Q4](https://x.example/).", []string{
			"<code>pipegen build --as-of 2026-09-30</code>", `<a href="https://x.example/"><span class="nowrap">2026-Q4</span></a>`}},
		{"![chart of 2026-11](https://x.example/c.png)", []string{`alt="chart of 2026-11"`}},
		{"## Plan & \"Q4\"\n\n| when | what |\n|---|---|\n| 2026-11 | demo |\n", []string{
			`<div class="table-scroll" role="region" aria-label="Table: Plan &amp; &quot;Q4&quot;" tabindex="0">` + "\n<table>",
			`<td><span class="nowrap">2026-11</span></td>`, "</table>\n</div>"}},
		{"| a |\n|---|\n| 1 |\n", []string{`aria-label="Table" tabindex="0">`}},
	}
	for _, tt := range tests {
		checkMarkdown(t, tt.in, tt.want, nil)
	}
}
