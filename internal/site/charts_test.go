package site

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/metrics"
)

var chartBlock = regexp.MustCompile(`<script type="application/json" data-chart="([a-z0-9_]+)">([^<]*)</script>`)

// pageCharts returns the options of every chart of a page, by id.
func pageCharts(t *testing.T, html string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range chartBlock.FindAllStringSubmatch(html, -1) {
		var o map[string]any
		if err := json.Unmarshal([]byte(m[2]), &o); err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		out[m[1]] = o
	}
	return out
}

// Every chart of every page is honest: bars from zero, so that lengths
// compare; every bar across with its value written at its end; a count
// axis ticked at whole numbers; the colours of one meaning the same on
// every chart; no component the embedded library does not have.
func TestChartsAreHonest(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	colourOf := map[string]string{} // series name: colour
	seen := 0
	for _, p := range files.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		for id, o := range pageCharts(t, string(files[p])) {
			seen++
			for _, k := range []string{"tooltip", "legend", "title", "toolbox", "dataZoom"} {
				if o[k] != nil {
					t.Errorf("%s %s: %s needs a component the site does not load", p, id, k)
				}
			}
			x := o["xAxis"].([]any)[0].(map[string]any)
			y := o["yAxis"].([]any)[0].(map[string]any)
			across := y["type"] == "category"
			value := x
			if !across {
				value = y
			}
			if min, ok := value["min"]; across && (!ok || min != 0.0) {
				t.Errorf("%s %s: bars across do not start at zero: %v", p, id, value)
			}
			if !across && value["minInterval"] != 1.0 {
				t.Errorf("%s %s: the count axis is not whole numbers: %v", p, id, value)
			}
			for _, s := range o["series"].([]any) {
				s := s.(map[string]any)
				if s["type"] != "bar" {
					t.Errorf("%s %s: a %v series: the site draws bars only", p, id, s["type"])
				}
				name := s["name"].(string)
				colour, _ := s["itemStyle"].(map[string]any)["color"].(string)
				if prev, ok := colourOf[name]; ok && prev != colour && !strings.HasPrefix(name, "Target ") {
					t.Errorf("%s %s: %q is %s here and %s elsewhere", p, id, name, colour, prev)
				}
				colourOf[name] = colour
				if !across || name == "base" {
					continue
				}
				for _, d := range s["data"].([]any) {
					d := d.(map[string]any)
					if d["value"] == nil {
						continue
					}
					label, _ := d["label"].(map[string]any)
					if label == nil || label["show"] != true || label["formatter"] == "" {
						t.Errorf("%s %s %s: a bar without its value: %v", p, id, name, d)
					}
				}
			}
		}
	}
	if seen < 12 {
		t.Errorf("%d charts seen", seen)
	}
	for name, want := range map[string]string{"Won": colourWon, "Lost": colourLost, "Created": colourNew, "Open value": colourOpen, "Weighted value": colourForecast} {
		if got, ok := colourOf[name]; ok && got != want {
			t.Errorf("%q is drawn in %s, want %s", name, got, want)
		}
	}
}

// The funnel's bars are in proportion to the deals that reached each
// stage, labelled with the count and value the table shows.
func TestFunnelIsProportional(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	o := pageCharts(t, string(files["index.html"]))["chart_funnel"]
	data := o["series"].([]any)[0].(map[string]any)["data"].([]any)
	first := data[0].(map[string]any)
	if first["value"].(float64) == 0 {
		t.Fatal("the fixture's funnel is empty")
	}
	for _, d := range data {
		d := d.(map[string]any)
		n := d["value"].(float64)
		label := d["label"].(map[string]any)["formatter"].(string)
		if !strings.HasPrefix(label, strconv.Itoa(int(n))+" · ") {
			t.Errorf("a bar of %v deals is labelled %q", n, label)
		}
	}
}

// A chart with nothing to draw says so in words instead of an empty box.
func TestEmptyChartsSaySo(t *testing.T) {
	rd := &renderer{}
	for name, c := range map[string]chart{
		"funnel":     rd.funnelChart("a", []metrics.Stage{{Name: "Lead"}, {Name: "Won"}}),
		"conversion": conversionChart("b", []metrics.Stage{{Name: "Lead"}, {Name: "Won"}}),
		"time":       timeChart("c", nil),
		"value":      rd.valueChart("d", nil),
		"trend":      trendChart("e", []metrics.Month{{Month: "2026-11"}}),
		"lost":       lostChart("f", nil),
		"sources":    sourceChart("g", nil),
	} {
		if c.Empty == "" {
			t.Errorf("%s: an empty chart without a note", name)
		}
	}
	files, _ := build(t, pipeline, map[string]string{}, Options{})
	index := string(files["index.html"])
	if strings.Contains(index, `data-chart="chart_lost"`) || !strings.Contains(index, `<p class="chart-empty">`) {
		t.Errorf("a pipeline without deals draws empty charts")
	}
}

// The colours of meanings keep WCAG's 3:1 for graphics against the page's
// surface in both themes.
func TestChartColoursContrast(t *testing.T) {
	surfaces := map[string]string{"light": "#ffffff", "dark": "#171c2b"}
	for _, c := range []string{colourOpen, colourNew, colourWon, colourLost, colourForecast, colourTarget, colourLess} {
		for theme, bg := range surfaces {
			if r := contrast(c, bg); r < 3 {
				t.Errorf("%s against the %s surface %s: %.2f:1, want 3:1", c, theme, bg, r)
			}
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// The waterfall writes a flow with its sign, and a flow of nothing
// without one: "€0", not "−€0".
func TestWaterfallSigns(t *testing.T) {
	noLoss := map[string]string{}
	for id, src := range deals {
		if id != "cora" { // the one deal lost in the window
			noLoss[id] = src
		}
	}
	files, _ := build(t, pipeline, noLoss, Options{})
	o := pageCharts(t, string(files["review.html"]))["chart_waterfall"]
	if o == nil {
		t.Fatal("review.html has no waterfall")
	}
	var labels []string
	for _, s := range o["series"].([]any) {
		s := s.(map[string]any)
		if s["name"] != "Value" {
			continue
		}
		for _, d := range s["data"].([]any) {
			label, _ := d.(map[string]any)["label"].(map[string]any)
			f, _ := label["formatter"].(string)
			labels = append(labels, f)
		}
	}
	// Last review (Acme and Bolt), added (Dune), won (Bolt), lost
	// (none), now.
	want := []string{"€2,001", "+€5,000", "−€800", "€0", "€6,201"}
	if strings.Join(labels, " ") != strings.Join(want, " ") {
		t.Errorf("waterfall labels %q, want %q", labels, want)
	}
}
