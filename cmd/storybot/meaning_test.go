package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/fakeopenai"
)

// TestSearchMeaning checks LLM_EMBED_MODEL: search mixes in the sentence
// nearest the question's meaning, which its words miss; the sentences'
// vectors are saved in the cache folder and read back at the next start,
// so that only the question is embedded then; --no-llm, or an embedding
// server that fails, leaves the words' passages.
func TestSearchMeaning(t *testing.T) {
	clearEnv(t)
	srv := fakeopenai.New(t, "")
	cache := t.TempDir()
	t.Setenv("LLM_BASE_URL", srv.BaseURL())
	t.Setenv("LLM_API_KEY", srv.Key())
	t.Setenv("LLM_MODEL", "test-model")
	t.Setenv("LLM_EMBED_MODEL", "embed-model")
	t.Setenv("LLM_REWRITE", "false")
	t.Setenv("INDEX_CACHE_DIR", cache)
	t.Setenv("LLM_RETRIES", "0")
	srv.SetDefault(func(fakeopenai.Request) fakeopenai.Reply {
		t.Errorf("search asked the chat model")
		return fakeopenai.Reply{Status: 400}
	})
	srv.SetEmbed(func(text string) []float32 {
		if t := strings.ToLower(text); strings.Contains(t, "lunch") || strings.Contains(t, "zorblax") {
			return []float32{1, 0}
		}
		return []float32{0, 1}
	})
	const q = "Did Le Pen bring a zorblax?"
	const lunch = "spoke together over lunch for two hours"
	search := func(args ...string) string {
		t.Helper()
		out, _, err := runCLI(t, "", append([]string{"search", "--limit", "2"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	inputs := func() (n int) {
		for _, r := range srv.Requests() {
			n += len(r.Inputs)
		}
		return n
	}
	plain := search("--no-llm", q)
	if strings.Contains(plain, lunch) || len(srv.Requests()) != 0 {
		t.Fatalf("search --no-llm: %d requests, printed:\n%s", len(srv.Requests()), plain)
	}
	if out := search(q); !strings.Contains(out, lunch) {
		t.Errorf("search with meaning printed:\n%s", out)
	}
	first := inputs()
	saved, _ := filepath.Glob(filepath.Join(cache, "*"+vectorsExt))
	if first < 10 || len(saved) != 1 {
		t.Fatalf("%d texts embedded and %d vector files saved; want every sentence and one file", first, len(saved))
	}
	if out := search(q); !strings.Contains(out, lunch) || inputs() != first+1 {
		t.Errorf("second start: %d more texts embedded, want the question alone; printed:\n%s", inputs()-first, out)
	}
	// A damaged file is made again.
	os.WriteFile(saved[0], []byte("storybot-vectors-1\nnot a table"), 0o600)
	if out := search(q); !strings.Contains(out, lunch) || inputs() != 2*first+1 {
		t.Errorf("damaged vectors: %d texts embedded in all, want %d; printed:\n%s", inputs(), 2*first+1, out)
	}
	// A server that refuses: the words' passages.
	os.Remove(saved[0])
	srv.EnqueueEmbed(fakeopenai.Reply{Status: 400, Message: "no such model"})
	if out := search(q); out != plain {
		t.Errorf("embedding refused: printed\n%s\nwant the words' passages\n%s", out, plain)
	}
}

func TestEmbedModelNeedsServer(t *testing.T) {
	clearEnv(t)
	t.Setenv("LLM_EMBED_MODEL", "embed-model")
	if _, _, err := runCLI(t, "", "search", "lunch"); err == nil || !strings.Contains(err.Error(), "LLM_EMBED_MODEL") {
		t.Errorf("LLM_EMBED_MODEL without a server: %v", err)
	}
}
