package site

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/templates"
)

// A big pipeline is mostly deal pages and rows of deal tables, and
// html/template spends most of their time in reflection. So they are
// written by hand below, exactly as templates/deal.html in the layout and
// the "dealtable" template would write them: the templates stay the
// specification, and tests compare the two outputs byte for byte, on the
// demo, on generated deals and on the hostile corpus. Every user string
// goes through the same escaping as html/template's for its context.

// dealView is what a deal page shows.
type dealView struct {
	ID, Title, Company, Source, OwnerName, OwnerHref, EditURL string
	StageName, Value, Weighted, Probability, ProbabilityFrom  string
	Created, Closed, ExpectedClose, Emails, Onboarding        string
	Status                                                    model.StageType
	DaysInStage, CycleDays                                    int
	Stuck, Overdue                                            bool
	Timeline                                                  []stay
	Contacts                                                  []model.Contact
	Notes                                                     template.HTML
}

// stay is one line of a deal's timeline.
type stay struct {
	From, StageName, Reason string
	Days                    int
	Current, Final          bool
}

// Markers stand in the layout, rendered once, for what changes from one
// deal page to the next. They are plain letters, which every escaper
// leaves as they are.
const (
	titleMark     = "PIPEGENxTITLExMARK"
	canonicalMark = "PIPEGENxCANONICALxMARK"
	contentMark   = "PIPEGENxCONTENTxMARK"
)

// shell is the layout of a deal page cut at its markers: parts[i] comes
// before holes[i], and the last part ends the page.
type shell struct {
	parts []string
	holes []string
}

// dealShell returns the layout of deal pages depth folders deep (deals/a.html
// is 1, deals/emea/a.html 2), rendered once for the site.
func (s *Site) dealShell(depth int) (*shell, error) {
	s.shellMu.Lock()
	defer s.shellMu.Unlock()
	if sh, ok := s.shells[depth]; ok {
		return sh, nil
	}
	sh, err := renderShell(s.in, s.opt, strings.Repeat("x/", depth)+"x.html")
	if err != nil {
		return nil, err
	}
	if s.shells == nil {
		s.shells = map[int]*shell{}
	}
	s.shells[depth] = sh
	return sh, nil
}

// shellTemplate is the layout with a marker for its content.
var shellTemplate = sync.OnceValue(func() *template.Template {
	t := template.Must(template.New("layout").ParseFS(templates.FS, "layout.html"))
	return template.Must(t.Parse(`{{define "content"}}` + contentMark + `{{end}}`))
})

// renderShell renders the layout of a deal page at rel with markers.
func renderShell(in Input, opt Options, rel string) (*shell, error) {
	pg := newRenderer(in, opt).page(rel, titleMark, "deals", false, nil)
	if pg.Canonical != "" {
		pg.Canonical = canonicalMark
	}
	var b bytes.Buffer
	if err := shellTemplate().ExecuteTemplate(&b, "layout", pg); err != nil {
		return nil, fmt.Errorf("render the deal page layout: %w", err)
	}
	sh := &shell{}
	rest := b.String()
	for {
		at, mark := -1, ""
		for _, m := range []string{titleMark, canonicalMark, contentMark} {
			if i := strings.Index(rest, m); i >= 0 && (at < 0 || i < at) {
				at, mark = i, m
			}
		}
		if at < 0 {
			break
		}
		sh.parts = append(sh.parts, rest[:at])
		sh.holes = append(sh.holes, mark)
		rest = rest[at+len(mark):]
	}
	sh.parts = append(sh.parts, rest)
	return sh, nil
}

// writeDealPage writes the page of a deal into the file at rel.
func (rd *renderer) writeDealPage(rel string, sh *shell, v *dealView) {
	w := &htmlWriter{}
	w.Grow(8 << 10)
	for i, part := range sh.parts {
		w.WriteString(part)
		if i == len(sh.holes) {
			break
		}
		switch sh.holes[i] {
		case titleMark:
			w.text(v.Title)
		case canonicalMark:
			w.url(strings.TrimSuffix(rd.opt.BaseURL, "/") + "/" + rel)
		case contentMark:
			w.dealContent(root(rel), v)
		}
	}
	rd.files[rel] = w.Bytes()
}

// dealContent writes the "content" template of templates/deal.html.
func (w *htmlWriter) dealContent(root string, v *dealView) {
	w.WriteString("\n\n<div class=\"page-head\">\n  <p class=\"crumbs\"><a href=\"")
	w.WriteString(root)
	w.WriteString("deals.html\">Deals</a> / ")
	w.text(v.ID)
	w.WriteString("</p>\n  <h1>")
	w.text(v.Title)
	w.WriteString("</h1>\n  <p class=\"sub\">")
	if v.Company != "" {
		w.text(v.Company)
		w.WriteString(" · ")
	}
	w.WriteString("<a href=\"")
	w.url(v.OwnerHref)
	w.WriteString("\">")
	w.text(v.OwnerName)
	w.WriteString("</a>")
	if v.Source != "" {
		w.WriteString(" · source ")
		w.text(v.Source)
	}
	w.WriteString("</p>\n  ")
	if v.EditURL != "" {
		w.WriteString("<p><a class=\"button\" href=\"")
		w.url(v.EditURL)
		w.WriteString("\" rel=\"noopener\">Edit this file</a></p>")
	}
	w.WriteString("\n</div>\n\n<div class=\"tiles small\">\n  <div class=\"tile\"><div class=\"tile-label\">Stage</div><div class=\"tile-value\"><span class=\"pill ")
	w.text(string(v.Status))
	w.WriteString("\">")
	w.text(v.StageName)
	w.WriteString("</span></div><div class=\"tile-foot\">")
	if v.Status == model.Open {
		w.int(v.DaysInStage)
		w.WriteString(" days in stage")
		if v.Stuck {
			w.WriteString(" · <span class=\"badge warn\">stuck</span>")
		}
	} else {
		w.WriteString("closed after ")
		w.int(v.CycleDays)
		w.WriteString(" days")
	}
	w.WriteString("</div></div>\n  <div class=\"tile\"><div class=\"tile-label\">Value</div><div class=\"tile-value\">")
	w.text(v.Value)
	w.WriteString("</div><div class=\"tile-foot\">")
	if v.Weighted != "" {
		w.WriteString("weighted ")
		w.text(v.Weighted)
	}
	w.WriteString("</div></div>\n  <div class=\"tile\"><div class=\"tile-label\">Win probability</div><div class=\"tile-value\">")
	w.text(v.Probability)
	w.WriteString("</div><div class=\"tile-foot\">")
	w.text(v.ProbabilityFrom)
	w.WriteString("</div></div>\n  <div class=\"tile\"><div class=\"tile-label\">")
	if v.Closed != "" {
		w.WriteString("Closed")
	} else {
		w.WriteString("Expected close")
	}
	w.WriteString("</div><div class=\"tile-value\">")
	if v.Closed != "" {
		w.text(v.Closed)
	} else {
		w.text(v.ExpectedClose)
	}
	w.WriteString("</div><div class=\"tile-foot\">")
	if v.Overdue {
		w.WriteString("<span class=\"badge late\">overdue</span>")
	} else {
		w.WriteString("created ")
		w.text(v.Created)
	}
	w.WriteString("</div></div>\n</div>\n\n<div class=\"grid two\">\n<section class=\"card\" aria-labelledby=\"tl-h\">\n  <h2 id=\"tl-h\">Timeline</h2>\n  <ol class=\"timeline\">")
	for _, s := range v.Timeline {
		w.WriteString("\n    <li class=\"")
		if s.Current {
			w.WriteString("current")
		}
		w.WriteString("\">\n      <span class=\"tl-date\">")
		w.text(s.From)
		w.WriteString("</span>\n      <span class=\"tl-stage\">")
		w.text(s.StageName)
		w.WriteString("</span>\n      <span class=\"tl-days\">")
		switch {
		case s.Final:
			w.WriteString("final")
		case s.Current:
			w.int(s.Days)
			w.WriteString(" days so far")
		default:
			w.int(s.Days)
			w.WriteString(" days")
		}
		w.WriteString("</span>\n      ")
		if s.Reason != "" {
			w.WriteString("<span class=\"tl-reason\">reason: ")
			w.text(s.Reason)
			w.WriteString("</span>")
		}
		w.WriteString("\n    </li>")
	}
	w.WriteString("\n  </ol>\n</section>\n\n<section class=\"card\" aria-labelledby=\"ct-h\">\n  <h2 id=\"ct-h\">Contacts</h2>\n  ")
	if len(v.Contacts) > 0 {
		w.WriteString("<ul class=\"contacts\">")
		for _, c := range v.Contacts {
			w.WriteString("<li><strong>")
			w.text(c.Name)
			w.WriteString("</strong>")
			if c.Role != "" {
				w.WriteString(" · ")
				w.text(c.Role)
			}
			if c.Email != "" {
				w.WriteString("<br><a href=\"mailto:")
				w.urlPart(c.Email)
				w.WriteString("\">")
				w.text(c.Email)
				w.WriteString("</a>")
			}
			w.WriteString("</li>")
		}
		w.WriteString("</ul>")
	} else {
		w.WriteString("<p class=\"empty\">No contacts recorded.</p>")
	}
	w.WriteString("\n  ")
	if v.Emails != "" {
		w.WriteString("<p class=\"note\">")
		w.text(v.Emails)
		w.WriteString("</p>")
	}
	w.WriteString("\n  ")
	if v.Onboarding != "" {
		w.WriteString("<p class=\"note\">")
		w.text(v.Onboarding)
		w.WriteString("</p>")
	}
	w.WriteString("\n</section>\n</div>\n\n<section class=\"card notes\" aria-labelledby=\"notes-h\">\n  <h2 id=\"notes-h\">Notes</h2>\n  ")
	if v.Notes != "" {
		w.WriteString("<div class=\"prose\">")
		w.WriteString(string(v.Notes))
		w.WriteString("</div>")
	} else {
		w.WriteString("<p class=\"empty\">No notes.</p>")
	}
	w.WriteString("\n</section>\n\n")
}

// writeRows writes the rows of the "dealtable" template in
// templates/layout.html.
func (w *htmlWriter) writeRows(rows []dealTableRow) {
	for i := range rows {
		r := &rows[i]
		w.WriteString("\n  <tr data-owner=\"")
		w.text(r.Owner)
		w.WriteString("\" data-stage=\"")
		w.text(r.Stage)
		w.WriteString("\" data-status=\"")
		w.text(string(r.Status))
		w.WriteString("\">\n    <td><a href=\"")
		w.url(r.Href)
		w.WriteString("\">")
		w.text(r.Title)
		w.WriteString("</a>")
		if r.Stuck {
			w.WriteString(" <span class=\"badge warn\">stuck</span>")
		}
		if r.Overdue {
			w.WriteString(" <span class=\"badge late\">overdue</span>")
		}
		w.WriteString("</td>\n    <td>")
		w.text(r.Company)
		w.WriteString("</td>\n    <td>")
		w.text(r.OwnerName)
		w.WriteString("</td>\n    <td><span class=\"pill ")
		w.text(string(r.Status))
		w.WriteString("\">")
		w.text(r.StageName)
		w.WriteString("</span></td>\n    <td class=\"num\" data-value=\"")
		w.text(r.ValueSort)
		w.WriteString("\">")
		w.text(r.Value)
		w.WriteString("</td>\n    <td class=\"num\" data-value=\"")
		w.text(r.ProbSort)
		w.WriteString("\">")
		w.text(r.Prob)
		w.WriteString("</td>\n    <td class=\"nowrap\" data-value=\"")
		w.text(r.ExpectedClose)
		w.WriteString("\">")
		w.text(r.ExpectedClose)
		w.WriteString("</td>\n    <td class=\"num\" data-value=\"")
		w.int(r.DaysSort)
		w.WriteString("\">")
		w.text(r.DaysText)
		w.WriteString("</td>\n    <td>")
		w.text(r.Source)
		w.WriteString("</td>\n  </tr>")
	}
}

// htmlWriter writes HTML with the escaping html/template applies.
type htmlWriter struct{ bytes.Buffer }

// text writes s as HTML text or as a quoted attribute value: html/template
// escapes both with the same table.
func (w *htmlWriter) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(r)
		last = i + 1
	}
	w.WriteString(s[last:])
}

func (w *htmlWriter) int(n int) { w.WriteString(strconv.Itoa(n)) }

// url writes a whole address in a quoted attribute: an address with a
// scheme other than http, https or mailto is replaced by a harmless one,
// as html/template does, then the address is normalised and escaped.
func (w *htmlWriter) url(s string) {
	if i := strings.IndexByte(s, ':'); i >= 0 && !strings.Contains(s[:i], "/") {
		switch strings.ToLower(s[:i]) {
		case "http", "https", "mailto":
		default:
			w.WriteString("#ZgotmplZ")
			return
		}
	}
	w.urlPart(s)
}

// urlPart writes part of an address in a quoted attribute: bytes that may
// not appear in an address are %-encoded (a % that starts an escape is
// kept), and of the bytes kept, & and + are escaped as in text.
func (w *htmlWriter) urlPart(s string) {
	const hex = "0123456789abcdef"
	isHex := func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			w.WriteString("&amp;")
		case c == '+':
			w.WriteString("&#43;")
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$*,/:;=?@[]-._~", c) >= 0,
			c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			w.WriteByte(c)
		default:
			w.WriteByte('%')
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&15])
		}
	}
}
