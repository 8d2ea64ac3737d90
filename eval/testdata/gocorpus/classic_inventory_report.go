// A realistic report: parse CSV-ish lines into structs, aggregate by category, print a table.
package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const data = `sku,category,qty,price
A100,tools,5,12.50
B200,garden,12,3.99
A101,tools,0,45.00
C300,kitchen,7,8.25
B201,garden,3,19.90
C301,kitchen,20,1.10`

type Product struct {
	SKU, Category string
	Qty           int
	Price         float64
}

type summary struct {
	items, units int
	value        float64
	outOfStock   []string
}

func parse(s string) ([]Product, error) {
	var out []Product
	for i, line := range strings.Split(s, "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want 4 fields, got %d", i+2, len(f))
		}
		qty, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, err
		}
		price, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			return nil, err
		}
		out = append(out, Product{f[0], f[1], qty, price})
	}
	return out, nil
}

func main() {
	products, err := parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	byCat := map[string]*summary{}
	for _, p := range products {
		s := byCat[p.Category]
		if s == nil {
			s = &summary{}
			byCat[p.Category] = s
		}
		s.items++
		s.units += p.Qty
		s.value += float64(p.Qty) * p.Price
		if p.Qty == 0 {
			s.outOfStock = append(s.outOfStock, p.SKU)
		}
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	fmt.Printf("%-8s %5s %5s %9s  %s\n", "CATEGORY", "ITEMS", "UNITS", "VALUE", "OUT")
	grand := 0.0
	for _, c := range cats {
		s := byCat[c]
		grand += s.value
		fmt.Printf("%-8s %5d %5d %9.2f  %v\n", c, s.items, s.units, s.value, s.outOfStock)
	}
	fmt.Printf("%-8s %21.2f\n", "TOTAL", grand)
	_, err = parse("h\nbad,line")
	fmt.Println("error:", err)
}
