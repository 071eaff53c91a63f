package retrieval

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

var classifyTests = []struct {
	q    string
	want AnswerType
}{
	{"Who met Putin?", TypePerson},
	{"Whom did Macron meet?", TypePerson},
	{"Whose party did Putin support?", TypePerson},
	{"And who was invited?", TypePerson},
	{"Where did Macron meet Putin?", TypePlace},
	{"WHERE did they meet?", TypePlace},
	{"In which city did they meet?", TypePlace},
	{"What country deployed sarin gas?", TypePlace},
	{"When did the meeting take place?", TypeTime},
	{"So when was that?", TypeTime},
	{"How long ago did it happen?", TypeTime},
	{"How many hours did they talk?", TypeNumber},
	{"How much did it cost?", TypeMoney},
	{"How much money did the committee raise?", TypeMoney},
	{"How much of the land is farmed?", TypeNumber},
	{"How old is Macron?", TypeAge},
	{"Who is Vladimir Putin?", TypeNone},
	{"Who was Mr. Wickham?", TypeNone},
	{"Who is the French President?", TypePerson},
	{"Who is Darcy's friend?", TypePerson},
	{"How old was Grete then?", TypeAge},
	{"What ages were the daughters?", TypeAge},
	{"How far was their new house from Longbourn?", TypeDistance},
	{"How much income does Longbourn produce?", TypeMoney},
	{"What sum did Wickham take?", TypeMoney},
	{"How large a fee did the colonel offer the engineer?", TypeMoney},
	{"How big a reward had been put up for the gem?", TypeMoney},
	{"What percentage of voters chose Le Pen?", TypeNumber},
	{"How long did they talk?", TypeDuration},
	{"For how long did they talk?", TypeDuration},
	{"How much time passed between the pips and his death?", TypeDuration},
	{"What year did the attack happen?", TypeDate},
	{"In what month was the election?", TypeDate},
	{"Which day did they meet?", TypeDate},
	{"What century was Versailles built in?", TypeDate},
	{"What did Macron call the use of chemical weapons?", TypeNone},
	{"Why did Macron warn Putin?", TypeNone},
	{"How did the United States respond?", TypeNone},
	{"Did they meet?", TypeNone},
	// A clause before the question word: "When…, what…?".
	{"When Alice's neck stretched up, what did the bird take her for?", TypeNone},
	{"After the lunch, where did Macron go?", TypePlace},
	{"When the lunch ended, Macron left?", TypeTime},
	{"", TypeNone},
	// Full-width and curly text is normalized first.
	{"Ｗｈｏ met Putin?", TypePerson},
}

func TestClassifyQuestion(t *testing.T) {
	for _, tt := range classifyTests {
		if got := ClassifyQuestion(tt.q); got != tt.want {
			t.Errorf("ClassifyQuestion(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestAnswerTypeString(t *testing.T) {
	for typ, want := range map[AnswerType]string{TypeNone: "none", TypePerson: "person", TypePlace: "place", TypeNumber: "number",
		TypeDuration: "duration", TypeDate: "date", TypeTime: "time", AnswerType(99): "unknown"} {
		if got := typ.String(); got != want {
			t.Errorf("AnswerType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
	for _, typ := range []AnswerType{TypeNumber, TypeDate} {
		if !typ.Strict() {
			t.Errorf("%v.Strict() = false, want true", typ)
		}
	}
	if TypePerson.Strict() {
		t.Errorf("person.Strict() = true, want false")
	}
}

var candidateTests = []struct {
	text string
	t    AnswerType
	want []string
}{
	// Numbers.
	{"It cost $1,000 and 3.5 percent, 12 people.", TypeNumber, []string{"$1,000", "3.5 percent", "12"}},
	{"It cost €5 or £3.", TypeNumber, []string{"€5", "£3"}},
	{"They spoke for two hours.", TypeNumber, []string{"two"}},
	// Digits with their scale in words: "2.666 million", not "million".
	{"It had 2.666 million people, 3.5 billion years ago, and $5 million.", TypeNumber, []string{"2.666 million", "3.5 billion", "$5 million"}},
	{"Twenty-five people and a dozen more came.", TypeNumber, []string{"Twenty-five", "dozen"}},
	{"No numbers here.", TypeNumber, nil},
	{"A rosary of three hundred and four pearls, and two and three.", TypeNumber, []string{"three hundred and four", "two", "three"}},
	// An age is no number joined to a word it qualifies, nor a length.
	{"He hailed a four-wheeler.", TypeAge, nil},
	{"A four-year-old came.", TypeAge, []string{"four"}},
	{"For forty years he sailed, forty years ago, a forty years' fool.", TypeAge, nil},
	{"He was then forty years old.", TypeAge, []string{"forty years old"}},
	// A time of day or a part is no age; "past fifty" is one.
	{"I must be back before three; cut the herd in two; she wedded past fifty.", TypeAge, []string{"fifty"}},
	// An hour after "at" and a range of a length are no age; "at fifteen"
	// is one.
	{"He left the house at eleven. At fifteen she married. Arms of twenty and thirty feet.", TypeAge, []string{"fifteen"}},
	// Units before tens, as older books count.
	{"He was five and twenty; it cost two and thirty pounds.", TypeAge, []string{"five and twenty"}},
	{"At last Wendy got through, with mumps reduced to twelve six, and it made two fifteen six.", TypeAge, nil},
	{"He was twenty one.", TypeAge, []string{"twenty one"}},
	{"It cost them two and thirty pounds.", TypeMoney, []string{"two and thirty pounds"}},
	// Tens before units, and scores, as the King James Bible counts; two
	// tens are two numbers.
	{"He lived nine hundred sixty and nine years, fourscore and six, between thirty and forty.", TypeNumber, []string{"nine hundred sixty and nine", "fourscore and six", "thirty", "forty"}},
	{"Joseph died, being an hundred and ten years old; Moses was fourscore years old.", TypeAge, []string{"an hundred and ten years old", "fourscore years old"}},
	{"It stood a hundred years and ten more.", TypeAge, nil},
	// Money: an amount with a currency.
	{"It cost $1.2 billion, paid in 2012 by 60 investors, or fifty thousand dollars each.", TypeMoney, []string{"$1.2 billion", "fifty thousand dollars"}},
	// "one" counts before a noun or after "to", not as a pronoun.
	{"Voters choose one member; laws reduced to one.", TypeNumber, []string{"one", "one"}},
	{"It was one that would merit a response.", TypeNumber, nil},
	// Durations.
	{"They spoke together over lunch for two hours.", TypeDuration, []string{"two hours"}},
	{"It took a month and 3 more days.", TypeDuration, []string{"a month", "3 more days"}},
	{"They worked all night.", TypeDuration, []string{"all night"}},
	// Dates.
	{"He came on May 29, 2017 and left in 1999.", TypeDate, []string{"May 29, 2017", "1999"}},
	{"On 4th of July they met; by Monday it ended.", TypeDate, []string{"4th of July", "Monday"}},
	{"Built in the 17th century, 1660s.", TypeDate, []string{"17th century", "1660s"}},
	{"It began in the late 1970s, in the mid-18th century and the early nineteenth century.", TypeDate, []string{"late 1970s", "mid-18th century", "early nineteenth century"}},
	{"Due 12/31/2020.", TypeDate, []string{"12/31/2020"}},
	// Circa years, hyphenated and spelled-out centuries.
	{"The casket dated c1180 and the candlestick c.1110.", TypeDate, []string{"c1180", "c.1110"}},
	{"A 13th-century beaker, changed in the 19th Century and the early nineteenth century.", TypeDate, []string{"13th-century", "19th Century", "early nineteenth century"}},
	{"They paid fifty guineas, then a hundred rupees.", TypeMoney, []string{"fifty guineas", "hundred rupees"}},
	// The coins and silver of old books and the Bible.
	{"He weighed four hundred shekels; they sold him for twenty pieces of silver and borrowed 30,000 napoleons.", TypeMoney, []string{"four hundred shekels", "twenty pieces of silver", "30,000 napoleons"}},
	// A day written out: "Fourteenth of March".
	{"'Fourteenth of March, I think,' he said; on the first of May they met.", TypeDate, []string{"Fourteenth of March", "first of May"}},
	// Times: dates, relative times and clock times.
	{"He visited the Kremlin only a month before the French began.", TypeTime, []string{"a month before"}},
	{"Two weeks later, yesterday, they met.", TypeTime, []string{"Two weeks later", "yesterday"}},
	{"At 5 p.m. on Monday they met.", TypeTime, []string{"5 p.m.", "Monday"}},
	{"They met in the morning at 9 o'clock.", TypeTime, []string{"in the morning", "9 o'clock"}},
	// Names.
	{"Putin invited Marine Le Pen to the Kremlin.", TypePerson, []string{"Putin", "Marine Le Pen", "Kremlin"}},
	{"They met in the palace of Versailles.", TypePlace, []string{"Versailles"}},
	{"They met in the Palace of Versailles.", TypePlace, []string{"Palace of Versailles"}},
	{"The Assad regime attacked Khan Sheikhun.", TypePlace, []string{"Assad", "Khan Sheikhun"}},
	{"French President Emmanuel Macron spoke.", TypePerson, []string{"French President Emmanuel Macron"}},
	{"The French election was close.", TypePlace, nil},
	{"He said so.", TypePerson, nil},
	// No candidates for untyped questions.
	{"Macron met Putin in 2017.", TypeNone, nil},
}

func TestCandidates(t *testing.T) {
	for _, tt := range candidateTests {
		var got []string
		prev := 0
		for _, sp := range Candidates(tt.text, tt.t) {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(tt.text) {
				t.Errorf("Candidates(%q, %v) has span %v out of order or bounds", tt.text, tt.t, sp)
				break
			}
			prev = sp.End
			got = append(got, tt.text[sp.Start:sp.End])
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Candidates(%q, %v) = %q, want %q", tt.text, tt.t, got, tt.want)
		}
	}
}

// TestAnswerSpans checks that names holding a word of the question, and
// numbers made only of the question's words, are left out.
func TestAnswerSpans(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte("Putin invited Marine Le Pen to the Kremlin in 2017.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	tests := []struct {
		typ  AnswerType
		q    map[string]bool
		want []string
	}{
		{TypePerson, map[string]bool{"putin": true, "invit": true, "kremlin": true}, []string{"Marine Le Pen"}},
		{TypePerson, map[string]bool{"pen": true}, []string{"Putin", "Kremlin"}},
		{TypeDate, map[string]bool{"putin": true}, []string{"2017"}},
		{TypeDate, map[string]bool{"2017": true}, nil},
	}
	for _, tt := range tests {
		if got := answerSpanTexts(ix, 0, tt.typ, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("AnswerSpans(%v, %v) = %q, want %q", tt.typ, tt.q, got, tt.want)
		}
	}
}

// TestClockSpans checks that an hour before a part of the day is part of
// the time: "three in the morning", not "in the morning".
func TestClockSpans(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte("He heard the clock strike three in the morning.\n\nThey left at 11 at night, in the evening fog.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	for sent, want := range [][]string{{"three in the morning"}, {"11 at night", "in the evening"}} {
		if got := answerSpanTexts(ix, sent, TypeTime, map[string]bool{"clock": true}); !slices.Equal(got, want) {
			t.Errorf("sentence %d: AnswerSpans = %q, want %q", sent, got, want)
		}
	}
}

func TestSpeechSubject(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"What did Putin say in reply to Macron's warning?", "Putin"},
		{"What did Marine Le Pen think of Macron?", "Pen"},
		{"How did Luther respond to Agricola?", "Luther"},
		{"What did the French President say about it?", ""}, // the subject must follow "did"
		{"What did Macron call the attack?", ""},            // not a verb of saying asked about
		{"What did the president say?", ""},                 // no named subject
		{"Where did Macron meet Putin?", ""},
		{"", ""},
	} {
		if got := SpeechSubject(tc.q); got != tc.want {
			t.Errorf("SpeechSubject(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestAttributed(t *testing.T) {
	text := "President Anna Kowalski met Minister Boris Ivanov in Rome. Kowalski warned Ivanov about the tariffs.\n\n" +
		"The talks were long. She said that trade must stay open.\n\n" +
		"Ivanov smiled. The dinner was late.\n\n" +
		"President Kowalski praised the city.\n"
	c, err := corpus.Load(fstest.MapFS{"s.txt": {Data: []byte(text)}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	find := func(prefix string) int {
		for i, s := range c.Sentences {
			if strings.HasPrefix(s.Text, prefix) {
				return i
			}
		}
		t.Fatalf("no sentence %q", prefix)
		return -1
	}
	for _, tc := range []struct {
		sentence, subject string
		want              bool
	}{
		{"Kowalski warned", "Kowalski", true},
		{"Kowalski warned", "Ivanov", false}, // Ivanov is warned, says nothing
		{"She said", "Kowalski", false},      // not mentioned earlier in its paragraph
		{"Ivanov smiled", "Ivanov", false},   // no verb of saying
		{"President Kowalski praised", "Kowalski", true},
	} {
		if got := ix.Attributed(find(tc.sentence), tc.subject); got != tc.want {
			t.Errorf("Attributed(%q, %q) = %v, want %v", tc.sentence, tc.subject, got, tc.want)
		}
	}
	// "She" speaks for a subject named earlier in the same paragraph.
	c2, err := corpus.Load(fstest.MapFS{"s.txt": {Data: []byte("Kowalski arrived late. She said that trade must stay open.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if !NewIndex(c2).Attributed(1, "Kowalski") {
		t.Error("a pronoun after a mention in the paragraph does not count")
	}
}

// TestAttributedForms checks the other ways a sentence has someone speak:
// after an apposition, "according to" them, and by pronoun in the sentence
// after a mention, even across a paragraph break.
func TestAttributedForms(t *testing.T) {
	c := loadFiles(t, "a.txt", "Chris Keates, the general secretary of the National Association of Schoolmasters, said that teachers need rest.\n\n"+
		"According to Biraben, the plague was present every year.\n\n"+
		"Luther travelled to the council.\n\n"+
		"He insisted that forgiveness was God's alone.\n\n"+
		"His theology taught that the Bible was the only source.\n\n"+
		"Biraben counted the dead.\n")
	for _, tt := range []struct {
		sent    int
		subject string
		want    bool
	}{
		{0, "Keates", true},
		{1, "Biraben", true},
		{2, "Luther", false}, // no verb of saying
		{3, "Luther", true},  // named in the sentence before
		{4, "Luther", false}, // named two sentences before
		{5, "Biraben", false},
	} {
		if got := NewIndex(c).Attributed(tt.sent, tt.subject); got != tt.want {
			t.Errorf("Attributed(%q, %q) = %v, want %v", c.Sentences[tt.sent].Text, tt.subject, got, tt.want)
		}
	}
}

// TestQuantities checks that a number answering "how many" or "how much" is
// not part of a date, and that a number of stop words ("a few") answers.
func TestQuantities(t *testing.T) {
	c := loadFiles(t, "a.txt", "In 1885, on October 16, 2012, he offered 50,000 dollars and 1500 soldiers.\n\nOnly a few molecules contain no oxygen.\n")
	ix := NewIndex(c)
	for _, tt := range []struct {
		sent int
		q    map[string]bool
		want []string
	}{
		{0, map[string]bool{"offer": false}, []string{"50,000", "1500"}},
		{1, map[string]bool{"molecul": false, "oxygen": false}, []string{"a few"}},
	} {
		if got := answerSpanTexts(ix, tt.sent, TypeNumber, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("AnswerSpans(%q, number) = %q, want %q", c.Sentences[tt.sent].Text, got, tt.want)
		}
	}
}

func TestNamingVerb(t *testing.T) {
	for _, tt := range []struct {
		word string
		want bool
	}{{"call", true}, {"called", true}, {"describe", true}, {"say", true}, {"go", false}, {"went", false}, {"move", false}} {
		toks := Analyze(tt.word)
		if got := len(toks) == 1 && NamingVerb(toks[0].Term); got != tt.want {
			t.Errorf("NamingVerb(term of %q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestAsksName(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"What is the name of Gregor's boss?", true},
		{"What was Lucy's father's name?", true},
		{"What is Mrs. Samsa's first name?", true},
		{"What's its name?", true},
		{"What name did the zoo keepers give it?", true},
		{"Under what name did Dracula buy the house in Piccadilly?", true},
		{"Which terrorist group did Macron name in particular?", false},
		{"Where does that name come from?", false},
		{"What does the name Carfax mean?", false},
		{"Who is Mr. Darcy?", false},
	} {
		if got := asksName(tt.q, analyze(tt.q, nil, nil)); got != tt.want {
			t.Errorf("asksName(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestAsksGivenName(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"What is Mrs. Samsa's first name?", true},
		{"What was the Christian name of Mr. Bingley?", true},
		{"What is the colonel's given name?", true},
		{"What is the name of Gregor's boss?", false},
		{"What did he name his first son?", false},
	} {
		if got := asksGivenName(analyze(tt.q, nil, nil)); got != tt.want {
			t.Errorf("asksGivenName(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestGroupNumber(t *testing.T) {
	for _, tt := range []struct {
		text, number string
		want         bool
	}{
		{"Philip the evangelist, which was one of the seven; and abode", "seven", true},
		{"He chose the twelve.", "twelve", true},
		{"And the same man had four daughters", "four", false},
		{"the three gentlemen rose", "three", false},
		{"one of the seven", "seven", true},
	} {
		i := strings.LastIndex(tt.text, tt.number)
		if got := groupNumber(tt.text, Span{Start: i, End: i + len(tt.number)}); got != tt.want {
			t.Errorf("groupNumber(%q, %q) = %v, want %v", tt.text, tt.number, got, tt.want)
		}
	}
}
