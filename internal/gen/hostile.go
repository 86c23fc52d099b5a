package gen

import "strings"

// Hostile returns the files of a small valid repository in which every
// string a user controls tries to run script or inject markup: pipeline
// name, owner and team, stage names and guides, deal ids, titles,
// companies, sources, contacts, notes, lost reasons, and the title and
// values of a custom field (with a control character, a right-to-left
// override and a very long value). Tests of the site build it and prove
// that nothing runs.
func Hostile() map[string]string {
	long := strings.Repeat("very long value ", 250)
	return map[string]string{
		"pipeline.yaml": `name: "<script>alert('name')</script>"
currency: USD
owners: [{id: ann, name: "<b onmouseover=alert('owner')>Ann</b>", team: "</script><script>alert('team')</script>"}]
stages:
  - {id: lead, name: "</script><img src=x onerror=alert('stage')>", probability: 0.1, rot_after: 1,
     guide: "<script>alert('guide')</script> [click](javascript:alert('guide-link'))"}
  - {id: won, name: "__f__alert('f')__f__", type: won}
  - {id: lost, type: lost}
targets:
  - {period: 2026-11, owner: ann, revenue: 100}
fields:
  - {id: industry, title: "<script>alert('field')</script>",
     values: ["<img src=x onerror=alert('value')>", "bell\u0007\u202eevil", "` + long + `"]}
rates:
  - {currency: EUR, rate: 1.1, from: 2026-01-01}
`,
		"deals/<img src=x onerror=alert('id')>.yaml": `{title: "</script><script>alert('title')</script>", company: "<img src=x onerror=alert('company')>",
  owner: ann, source: "\"><script>alert('source')</script>", value: 10, currency: EUR,
  fields: {industry: "<img src=x onerror=alert('value')>"},
  contacts: [{name: "<svg onload=alert('contact')>", email: "x@y.example", role: "<iframe src=javascript:alert('role')>"}],
  notes: "<script>alert('notes')</script>\n\n[x](javascript:alert('link')) <a href=\"javascript:alert('a')\">y</a> __f__alert('f2')__f__\n\n<img src=x onerror=alert('img')>",
  history: [{stage: lead, date: 2026-11-01}]}
`,
		"deals/=cmd.yaml": `{title: "=HYPERLINK(\"http://evil.example\")", company: "+1+1", owner: ann, source: "@SUM(A1)", value: 5,
  fields: {industry: "bell\u0007\u202eevil"},
  history: [{stage: lead, date: 2026-11-02}, {stage: lost, date: 2026-11-03, reason: "<svg onload=alert('reason')>"}]}
`,
		"deals/lost.yaml": `{title: "x\u2028y</title><script>alert('t2')</script>", owner: ann, value: 5,
  fields: {industry: "` + long + `"},
  history: [{stage: lead, date: 2026-11-02}, {stage: lost, date: 2026-11-03, reason: budget}]}
`,
	}
}
