#include "services/catalog/data/csv.h"

#include <cstddef>

#include "absl/strings/match.h"

namespace kompas::catalog {
namespace {

// Reads records one at a time from the text.
class Reader {
 public:
  explicit Reader(absl::string_view text) : text_(text) {
    if (absl::StartsWith(text_, "\xEF\xBB\xBF")) pos_ = 3;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  int line() const { return line_; }

  // True when the current line is a comment line ('#' in the first column).
  bool AtComment() const { return !AtEnd() && text_[pos_] == '#'; }

  // Returns the comment line's text after '#' and moves past its line break.
  std::string ReadCommentLine() {
    const std::size_t start = pos_ + 1;
    std::size_t end = text_.find('\n', start);
    if (end == absl::string_view::npos) end = text_.size();
    std::size_t stop = end;
    if (stop > start && text_[stop - 1] == '\r') --stop;
    pos_ = end < text_.size() ? end + 1 : end;
    ++line_;
    return std::string(text_.substr(start, stop - start));
  }

  // True when the rest of the text is only line breaks.
  bool OnlyBlankLinesLeft() const {
    for (std::size_t i = pos_; i < text_.size(); ++i) {
      if (text_[i] != '\n' && text_[i] != '\r') return false;
    }
    return true;
  }

  // Reads one record into `fields`. Returns false on a syntax error.
  bool ReadRecord(std::vector<std::string>& fields, CsvSyntaxError& error) {
    fields.clear();
    std::string field;
    while (true) {
      if (pos_ < text_.size() && text_[pos_] == '"') {
        const int start_line = line_;
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) {
            error = {start_line, "unterminated quoted field"};
            return false;
          }
          const char c = text_[pos_++];
          if (c == '"') {
            if (pos_ < text_.size() && text_[pos_] == '"') {
              field.push_back('"');
              ++pos_;
              continue;
            }
            break;
          }
          if (c == '\n') ++line_;
          field.push_back(c);
        }
        if (pos_ < text_.size() && !IsFieldEnd()) {
          error = {line_, "text after the closing quote of a quoted field"};
          return false;
        }
      } else {
        while (pos_ < text_.size() && !IsFieldEnd()) {
          if (text_[pos_] == '"') {
            error = {line_, "quote inside an unquoted field (quote the whole field)"};
            return false;
          }
          field.push_back(text_[pos_++]);
        }
      }
      fields.push_back(std::move(field));
      field.clear();
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      // A line break: "\n" or "\r\n".
      if (text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

 private:
  bool IsFieldEnd() const {
    const char c = text_[pos_];
    if (c == ',' || c == '\n') return true;
    return c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n';
  }

  absl::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

bool ParseCsv(absl::string_view text, CsvTable& table, CsvSyntaxError& error) {
  table = CsvTable{};
  Reader reader(text);
  while (reader.AtComment()) table.comments.push_back(reader.ReadCommentLine());
  if (reader.AtEnd()) return true;
  table.header_line = reader.line();
  if (!reader.ReadRecord(table.header, error)) return false;
  while (!reader.AtEnd() && !reader.OnlyBlankLinesLeft()) {
    CsvRecord record;
    record.line = reader.line();
    if (!reader.ReadRecord(record.fields, error)) return false;
    table.records.push_back(std::move(record));
  }
  return true;
}

}  // namespace kompas::catalog
