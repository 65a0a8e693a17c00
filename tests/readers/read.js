// What SheetJS or ExcelJS sees in a workbook, printed as JSON for tests/readers:
//   node read.js sheetjs|exceljs FILE
// {"sheets": [{"name": "...", "cells": {"A1": ["s", "text"], "B1": ["n", 45987],
//   "C1": ["b", true], "D1": ["f", "SUM(A1:A3)"], "E1": ["e", "#N/A"]}}]}
// Dates are Excel serial numbers ("n"), formulas their text without "=" ("f"), empty
// cells and empty strings are left out: the tests compare this with the other readers.
"use strict";

const [reader, file] = process.argv.slice(2);
const EPOCH = Date.UTC(1899, 11, 30);

function sheetjs(path) {
  const XLSX = require("xlsx");
  const book = XLSX.readFile(path, {
    cellFormula: true,
    cellDates: false,
    cellStyles: false,
    sheetStubs: true, // a formula whose cached value is "" is a stub: keep its formula
  });
  return book.SheetNames.map((name) => {
    const sheet = book.Sheets[name];
    const cells = {};
    for (const [ref, cell] of Object.entries(sheet)) {
      if (ref.startsWith("!")) continue;
      if (cell.f !== undefined) cells[ref] = ["f", cell.f];
      else if (cell.t === "s" && cell.v !== "") cells[ref] = ["s", cell.v];
      else if (cell.t === "n") cells[ref] = ["n", cell.v];
      else if (cell.t === "b") cells[ref] = ["b", cell.v];
      else if (cell.t === "e") cells[ref] = ["e", cell.w];
    }
    return { name, cells };
  });
}

async function exceljs(path) {
  const ExcelJS = require("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheets = [];
  book.eachSheet((sheet) => {
    const cells = {};
    sheet.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const value = cell.value;
        if (cell.formula) cells[cell.address] = ["f", cell.formula];
        else if (typeof value === "string" && value !== "") cells[cell.address] = ["s", value];
        else if (typeof value === "number") cells[cell.address] = ["n", value];
        else if (typeof value === "boolean") cells[cell.address] = ["b", value];
        else if (value instanceof Date) {
          cells[cell.address] = ["n", (value.getTime() - EPOCH) / 86400000];
        } else if (value && value.richText) {
          cells[cell.address] = ["s", value.richText.map((run) => run.text).join("")];
        } else if (value && value.error) cells[cell.address] = ["e", value.error];
      });
    });
    sheets.push({ name: sheet.name, cells });
  });
  return sheets;
}

async function main() {
  const readers = { sheetjs, exceljs };
  if (!readers[reader] || !file) {
    console.error("usage: node read.js sheetjs|exceljs FILE");
    process.exit(2);
  }
  const sheets = await readers[reader](file);
  process.stdout.write(JSON.stringify({ sheets }));
}

main().catch((error) => {
  console.error(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
