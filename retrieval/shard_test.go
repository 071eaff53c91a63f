package retrieval

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

// TestShardsRankAlike builds one corpus in one shard and in several and
// checks that every search ranks the same sentences with the same scores.
func TestShardsRankAlike(t *testing.T) {
	words := strings.Fields("the river mill town wheat baker harbour ship captain storm winter bridge market " +
		"French President Emmanuel Macron met the mayor lantern orchard violin letter garden")
	var b strings.Builder
	for i := 0; i < 300; i++ {
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, "The %s saw %s and %s near the %s in %d. ", words[(i+j)%len(words)], words[(i*7+j)%len(words)],
				words[(i*3+j*5)%len(words)], words[(i*11+j)%len(words)], 1800+i)
		}
		b.WriteString("\n\n")
	}
	c, err := corpus.Load(fstest.MapFS{"book.txt": {Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	defer func(min, max int) { shardMin, maxShards = min, max }(shardMin, maxShards)
	shardMin, maxShards = 1, 1
	one := NewIndex(c)
	shardMin, maxShards = 1, 3
	three := NewIndex(c)
	for _, q := range []string{"Where did the captain see the storm?", "When did the baker meet the mayor?", "What did Macron see?", "harbour wheat 1850"} {
		a, b := one.Search(Query{Text: q, Limit: 10}), three.Search(Query{Text: q, Limit: 10})
		if !reflect.DeepEqual(a.Hits, b.Hits) {
			t.Errorf("Search(%q) differs between one shard and three:\n%+v\n%+v", q, a.Hits, b.Hits)
		}
	}
	if !reflect.DeepEqual(one.Aliases("Macron"), three.Aliases("Macron")) {
		t.Errorf("aliases differ: %q vs %q", one.Aliases("Macron"), three.Aliases("Macron"))
	}
}
