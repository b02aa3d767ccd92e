// c2.js: listed by the custom module after c1.js; the order of the list is kept.
ran("c2.js");
