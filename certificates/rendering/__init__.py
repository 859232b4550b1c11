"""PDF rendering: certificate HTML, CJK font subsets and one reusable WeasyPrint path."""
