package cluster_test

import (
	"testing"

	"storybot/cluster"
	"storybot/cluster/clustertest"
)

func TestLocal(t *testing.T) {
	clustertest.Run(t, func(t *testing.T) []cluster.Coordinator {
		return []cluster.Coordinator{cluster.NewLocal()}
	})
}
