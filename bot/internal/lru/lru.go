// Package lru is a map bounded in entries that drops the least recently
// used one first, for the bot's memories (conversations, threads, long
// source lists, rate-limit buckets).
package lru

import (
	"container/list"
	"sync"
)

// Cache is a map bounded to n entries. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	n     int
	order *list.List // of *entry[K, V], most recent first
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// New returns a cache holding at most n entries (1 when n < 1).
func New[K comparable, V any](n int) *Cache[K, V] {
	return &Cache[K, V]{n: max(n, 1), order: list.New(), items: make(map[K]*list.Element)}
}

// Get returns the value of k and makes it the most recent.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*entry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// Put sets the value of k, dropping the least recently used entry when full.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(k, v)
}

// GetOrPut returns the value of k, or stores and returns make() when k is
// absent, in one step.
func (c *Cache[K, V]) GetOrPut(k K, make func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*entry[K, V]).val
	}
	v := make()
	c.put(k, v)
	return v
}

// Len returns the number of entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func (c *Cache[K, V]) put(k K, v V) {
	if e, ok := c.items[k]; ok {
		e.Value.(*entry[K, V]).val = v
		c.order.MoveToFront(e)
		return
	}
	for len(c.items) >= c.n {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry[K, V]).key)
	}
	c.items[k] = c.order.PushFront(&entry[K, V]{key: k, val: v})
}
