package lru

import (
	"sync"
	"testing"
)

func TestCache(t *testing.T) {
	c := New[string, int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Errorf("Get(a) = %d, %v", v, ok)
	}
	c.Put("c", 3) // drops b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Errorf("b kept past the bound")
	}
	if v, ok := c.Get("a"); !ok || v != 1 || c.Len() != 2 {
		t.Errorf("Get(a) = %d, %v with %d entries; want 1, true, 2", v, ok, c.Len())
	}
	c.Put("a", 10)
	if v, _ := c.Get("a"); v != 10 {
		t.Errorf("Put did not replace: %d", v)
	}
}

func TestGetOrPutOnce(t *testing.T) {
	c := New[string, *int](10)
	var made sync.Map
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := c.GetOrPut("k", func() *int { n := new(int); made.Store(n, true); return n })
			if _, ok := made.Load(p); !ok {
				t.Errorf("GetOrPut returned a value it did not make")
			}
		}()
	}
	wg.Wait()
	n := 0
	made.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Errorf("GetOrPut made %d values for one key, want 1", n)
	}
}
