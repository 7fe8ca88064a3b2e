map corpus/sites/pkg
