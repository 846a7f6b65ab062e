const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// n8n loads icons and codex files relative to the compiled node and credential files,
// so they are copied beside them in dist/.
const copy = (folder, patterns) => () =>
	src(
		patterns.map((pattern) => path.resolve(folder, '**', pattern)),
		{ encoding: false },
	).pipe(dest(path.resolve('dist', folder)));

task('build:icons', parallel(copy('nodes', ['*.png', '*.svg', '*.node.json']), copy('credentials', ['*.png', '*.svg'])));
