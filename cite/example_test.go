package cite_test

import (
	"fmt"

	"storybot/cite"
)

func ExampleCheck() {
	passages := []string{
		"The two leaders talked for two hours.",
		`Macron called the talks "extremely frank and direct".`,
	}
	answer := `They talked for two hours [2, 1]. Macron said "we agree on everything" [2]. Putin won [5].`
	r := cite.Check(answer, passages)
	fmt.Println(r.Text)
	fmt.Println("cited:", r.Cited, "dropped:", r.Dropped)
	fmt.Printf("unverified: %q\n", r.Unverified)
	// Output:
	// They talked for two hours [1][2]. Macron said [unverified quote removed] [1]. Putin won.
	// cited: [2 1] dropped: [5]
	// unverified: ["we agree on everything"]
}
