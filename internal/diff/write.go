package diff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/term"
)

// WriteJSON writes the change as JSON.
func WriteJSON(w io.Writer, c *Change) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// Links says where the Markdown of a change links each deal.
type Links struct {
	// FileBase is put before a deal's file path for a link to the file,
	// like https://github.com/acme/sales/blob/HEAD/; empty means no links.
	FileBase string
}

// deal writes a deal's cell: its title, linked to its file when the
// repository's address is known, and its id.
func (l Links) deal(title, id, file string) string {
	name := md(title)
	if l.FileBase != "" {
		segments := strings.Split(file, "/")
		for i, seg := range segments {
			segments[i] = url.PathEscape(seg)
		}
		name = "[" + name + "](" + linkTarget(l.FileBase+strings.Join(segments, "/")) + ")"
	}
	return name + " (" + md(id) + ")"
}

// linkTarget percent-encodes every byte of an address that could end a
// Markdown link or start markup there: the address comes from
// pipeline.yaml, which anyone who opens a pull request can edit.
func linkTarget(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~:/?#@!$&+,;=%", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// WriteMarkdown writes the change for a pull-request comment or a job
// summary: a short table of the open pipeline, then the deals, each by its
// title and id, linked to its file when links has the repository's
// address.
func WriteMarkdown(w io.Writer, c *Change, links Links) error {
	b := bufio.NewWriter(w)
	money := func(m model.Money) string { return format.Money(m, c.Currency) }
	fmt.Fprintf(b, "### Pipeline changes\n\n")
	fmt.Fprintf(b, "| | Before | After | Change |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(b, "| Open deals | %d | %d | %s |\n", c.Before.OpenDeals, c.After.OpenDeals, signedInt(c.After.OpenDeals-c.Before.OpenDeals))
	fmt.Fprintf(b, "| Open value | %s | %s | %s |\n", money(c.Before.OpenValue), money(c.After.OpenValue), signedMoney(c.After.OpenValue-c.Before.OpenValue, c.Currency))
	fmt.Fprintf(b, "| Weighted value | %s | %s | %s |\n\n", money(c.Before.WeightedValue), money(c.After.WeightedValue), signedMoney(c.After.WeightedValue-c.Before.WeightedValue, c.Currency))
	if len(c.Skipped) > 0 {
		files := make([]string, len(c.Skipped))
		for i, f := range c.Skipped {
			files[i] = md(f)
		}
		fmt.Fprintf(b, "> **Note:** %s at the base have errors and are left out of the comparison (a deal among them shows as added): %s\n\n",
			format.Count(len(files), "file", "files"), strings.Join(files, ", "))
	}
	if c.Empty() {
		fmt.Fprintf(b, "No deal changes.\n")
		return b.Flush()
	}
	if len(c.Won) > 0 {
		fmt.Fprintf(b, "**Won (%d)**\n\n| Deal | From | Value |\n|---|---|---:|\n", len(c.Won))
		for _, m := range c.Won {
			fmt.Fprintf(b, "| %s | %s | %s |\n", links.deal(m.Title, m.ID, m.File), md(m.FromName), money(m.Value))
		}
		b.WriteString("\n")
	}
	if len(c.Lost) > 0 {
		fmt.Fprintf(b, "**Lost (%d)**\n\n| Deal | From | Reason | Value |\n|---|---|---|---:|\n", len(c.Lost))
		for _, m := range c.Lost {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", links.deal(m.Title, m.ID, m.File), md(m.FromName), md(orDash(m.Reason)), money(m.Value))
		}
		b.WriteString("\n")
	}
	if len(c.Moved) > 0 {
		fmt.Fprintf(b, "**Moved (%d)**\n\n| Deal | From | To | Value |\n|---|---|---|---:|\n", len(c.Moved))
		for _, m := range c.Moved {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", links.deal(m.Title, m.ID, m.File), md(m.FromName), md(m.ToName), money(m.Value))
		}
		b.WriteString("\n")
	}
	if len(c.Added) > 0 {
		fmt.Fprintf(b, "**Added (%d)**\n\n| Deal | Owner | Stage | Value |\n|---|---|---|---:|\n", len(c.Added))
		for _, d := range c.Added {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", links.deal(d.Title, d.ID, d.File), md(d.OwnerName), md(d.StageName), money(d.Value))
		}
		b.WriteString("\n")
	}
	if len(c.ValueChanges) > 0 {
		fmt.Fprintf(b, "**Value changes (%d)**\n\n| Deal | Before | After |\n|---|---:|---:|\n", len(c.ValueChanges))
		for _, v := range c.ValueChanges {
			fmt.Fprintf(b, "| %s | %s | %s |\n", links.deal(v.Title, v.ID, v.File), moneyOrNone(v.Before, c.Currency), moneyOrNone(v.After, c.Currency))
		}
		b.WriteString("\n")
	}
	if len(c.Metrics) > 0 {
		fmt.Fprintf(b, "<details><summary>Metrics that moved (current window, as of %s)</summary>\n\n| Metric | Before | After |\n|---|---:|---:|\n", c.AsOf)
		for _, m := range c.Metrics {
			fmt.Fprintf(b, "| %s | %s | %s |\n", m.Label, format.Field(m.fields[0], c.Currency), format.Field(m.fields[1], c.Currency))
		}
		b.WriteString("\n</details>\n")
	}
	return b.Flush()
}

// WriteText writes the change for a terminal.
func WriteText(w io.Writer, c *Change) error {
	b := bufio.NewWriter(w)
	money := func(m model.Money) string { return format.Money(m, c.Currency) }
	fmt.Fprintf(b, "open deals      %d → %d (%s)\n", c.Before.OpenDeals, c.After.OpenDeals, signedInt(c.After.OpenDeals-c.Before.OpenDeals))
	fmt.Fprintf(b, "open value      %s → %s (%s)\n", money(c.Before.OpenValue), money(c.After.OpenValue), signedMoney(c.After.OpenValue-c.Before.OpenValue, c.Currency))
	fmt.Fprintf(b, "weighted value  %s → %s (%s)\n", money(c.Before.WeightedValue), money(c.After.WeightedValue), signedMoney(c.After.WeightedValue-c.Before.WeightedValue, c.Currency))
	for _, f := range c.Skipped {
		fmt.Fprintf(b, "note   %s has errors at the base and is left out of the comparison\n", term.Clean(f))
	}
	if c.Empty() {
		fmt.Fprintf(b, "no deal changes\n")
		return b.Flush()
	}
	t := term.Clean
	deal := func(title, id string) string { return t(title) + " (" + t(id) + ")" }
	for _, m := range c.Won {
		fmt.Fprintf(b, "won    %s: %s, from %s\n", deal(m.Title, m.ID), money(m.Value), t(m.FromName))
	}
	for _, m := range c.Lost {
		fmt.Fprintf(b, "lost   %s: %s, from %s, reason %s\n", deal(m.Title, m.ID), money(m.Value), t(m.FromName), t(orDash(m.Reason)))
	}
	for _, m := range c.Moved {
		fmt.Fprintf(b, "moved  %s: %s → %s\n", deal(m.Title, m.ID), t(m.FromName), t(m.ToName))
	}
	for _, d := range c.Added {
		fmt.Fprintf(b, "added  %s: %s, %s, %s\n", deal(d.Title, d.ID), t(d.StageName), t(d.OwnerName), money(d.Value))
	}
	for _, v := range c.ValueChanges {
		fmt.Fprintf(b, "value  %s: %s → %s\n", deal(v.Title, v.ID), moneyOrNone(v.Before, c.Currency), moneyOrNone(v.After, c.Currency))
	}
	return b.Flush()
}

func signedInt(n int) string {
	if n > 0 {
		return "+" + format.Int(n)
	}
	if n == 0 {
		return "0"
	}
	return format.Int(n)
}

func signedMoney(m model.Money, currency string) string {
	if m > 0 {
		return "+" + format.Money(m, currency)
	}
	if m == 0 {
		return "0"
	}
	return format.Money(m, currency)
}

func orDash(s string) string {
	if s == "" {
		return format.None
	}
	return s
}

// md escapes text for a Markdown table cell: no pipes, no markup, no HTML.
var mdEscaper = strings.NewReplacer("|", "\\|", "\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "\n", " ", "\r", " ", "#", "\\#", "!", "\\!", "~", "\\~")

func md(s string) string { return mdEscaper.Replace(s) }

// moneyOrNone writes a deal's value as it was written, cents and all.
func moneyOrNone(m *model.Money, currency string) string {
	if m == nil {
		return format.None
	}
	return format.Exact(*m, currency)
}
