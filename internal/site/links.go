package site

import (
	"net/url"
	"path"
	"regexp"
	"strings"
)

var (
	refPattern = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	idPattern  = regexp.MustCompile(`id="([^"]*)"`)
)

// BrokenLinks lists every link or asset reference of the site's pages that
// does not resolve to one of its files (or to an anchor on the page). Links
// to the web — the repository, the CDN, links written in notes — and mail
// addresses are not followed.
func (f Files) BrokenLinks() []string {
	var broken []string
	ids := map[string]map[string]bool{}
	anchors := func(file string) map[string]bool {
		if m, ok := ids[file]; ok {
			return m
		}
		m := map[string]bool{}
		for _, id := range idPattern.FindAllStringSubmatch(string(f[file]), -1) {
			m[id[1]] = true
		}
		ids[file] = m
		return m
	}
	for _, p := range f.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		for _, m := range refPattern.FindAllStringSubmatch(string(f[p]), -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			u, err := url.Parse(ref)
			if err != nil {
				broken = append(broken, p+": malformed link "+ref)
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				continue
			}
			file := p
			if u.Path != "" {
				file = path.Clean(path.Join(path.Dir(p), u.Path))
			}
			if _, ok := f[file]; !ok {
				broken = append(broken, p+": "+ref+" does not exist")
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(file, ".html") && !anchors(file)[u.Fragment] {
				broken = append(broken, p+": "+ref+" has no such anchor")
			}
		}
	}
	return broken
}
