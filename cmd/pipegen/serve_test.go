package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pipegen serve on the demo: it prints its loopback address, serves the
// dashboard, and returns promptly when interrupted.
func TestServeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	errs := make(chan error, 1)
	go func() {
		errs <- run(ctx, []string{"serve", "--dir", "../..", "--addr", ":0"}, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	m := regexp.MustCompile(`^serving Fieldnote — Mid-Market Sales at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q", line)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Pipeline overview") {
		t.Errorf("GET / = %d", resp.StatusCode)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-errs:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("serve did not stop within 3s of the interrupt")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("stopping took %s", d)
	}
}
