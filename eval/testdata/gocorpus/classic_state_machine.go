// A table-driven state machine (a vending machine) with typed states and events.
package main

import "fmt"

type State int
type Event string

const (
	Idle State = iota
	HasCoin
	Vending
	Empty
)

func (s State) String() string {
	return [...]string{"Idle", "HasCoin", "Vending", "Empty"}[s]
}

type transition struct {
	from State
	ev   Event
}

type Machine struct {
	state State
	stock int
	table map[transition]func(*Machine) State
	log   []string
}

func NewMachine(stock int) *Machine {
	m := &Machine{stock: stock}
	m.table = map[transition]func(*Machine) State{
		{Idle, "coin"}:    func(*Machine) State { return HasCoin },
		{HasCoin, "push"}: func(*Machine) State { return Vending },
		{HasCoin, "refund"}: func(*Machine) State {
			m.log = append(m.log, "refunded")
			return Idle
		},
		{Vending, "take"}: func(m *Machine) State {
			m.stock--
			if m.stock == 0 {
				return Empty
			}
			return Idle
		},
		{Empty, "refill"}: func(m *Machine) State { m.stock = 2; return Idle },
	}
	return m
}

func (m *Machine) Fire(ev Event) error {
	f, ok := m.table[transition{m.state, ev}]
	if !ok {
		return fmt.Errorf("event %q not allowed in state %v", ev, m.state)
	}
	old := m.state
	m.state = f(m)
	m.log = append(m.log, fmt.Sprintf("%v -%s-> %v", old, ev, m.state))
	return nil
}

func main() {
	m := NewMachine(1)
	for _, ev := range []Event{"coin", "refund", "push", "coin", "push", "take", "coin", "refill", "coin", "push", "take"} {
		if err := m.Fire(ev); err != nil {
			fmt.Println("error:", err)
		}
	}
	for _, l := range m.log {
		fmt.Println(l)
	}
	fmt.Println("final", m.state, "stock", m.stock)
}
