package retrieval

import (
	"slices"
	"strings"
)

// synonymGroups are small sets of common English words that questions and
// stories use for one another ("describe" for "call", "talk" for "speak").
// A query term also matches its group's other words, at the weight
// [Params.Synonym]. Kept short and general: no story's names belong here.
var synonymGroups = []string{
	"describe call speak refer characterize term label portray depict",
	"say tell claim declare announce assert remark",
	"talk speak spoke discuss conversation chat converse",
	"meet meeting met encounter visit",
	"warn warning threaten caution",
	"response respond reply react reaction answer",
	"begin start commence launch initiate",
	"end finish conclude stop cease",
	"buy purchase acquire",
	"sell sold vend",
	"kill killed murder slay death die",
	"big large huge great enormous",
	"small little tiny",
	"fast quick rapid swift",
	"job work occupation profession career",
	"help aid assist support cooperate",
	"fight battle combat war struggle",
	"make create produce build construct",
	"show exhibit display demonstrate reveal",
	"leader head chief ruler",
	"rule govern reign",
	"country nation state",
	"city town",
	"want wish desire hope prefer",
	"use employ utilize",
	"blame accuse",
	"invite invitation",
	"attack assault strike raid",
	"learn discover find",
	"child kid son daughter",
	"wife husband spouse married marry",
	"father dad",
	"mother mom",
	"home house",
	"die death dead",
	"write wrote author",
	"job task duty",
	"gift present",
	"leave depart",
	"arrive reach come",
	"eat ate dine meal",
	"lunch meal dinner",
	"cause reason lead",
	"happy glad joy",
	"sad unhappy sorrow",
	"angry anger furious rage",
	"afraid fear scared frighten",
	"old elderly ancient",
	"rich wealthy",
	"poor poverty",
	"money cash fund",
	"law legislation act statute",
	"sick ill illness disease",
	"doctor physician",
	"car automobile vehicle",
	"name call named called",
	"famous renowned celebrated",
	"begin began begun beginning",
	"prevent stop block",
	"allow permit let",
	"need require",
	"get obtain receive",
	"give grant provide supply",
	"try attempt",
	"choose select pick elect",
	"destroy ruin demolish",
	"increase rise grow",
	"decrease fall decline drop",
}

// synonymTable maps a stem to the stems of its groups' other words.
func synonymTable(st *stemmer) map[string][]string {
	m := map[string][]string{}
	for _, g := range synonymGroups {
		var stems []string
		for _, w := range strings.Fields(g) {
			stems = append(stems, st.stem(w))
		}
		for _, a := range stems {
			for _, b := range stems {
				if a != b && !slices.Contains(m[a], b) {
					m[a] = append(m[a], b)
				}
			}
		}
	}
	return m
}
